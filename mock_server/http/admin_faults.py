"""`/__admin/faults`: add, list and remove fault rules (see mock_server/faults.py)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.http.admin import guard
from mock_server.http.flask_host import empty_response, error_response, json_response, services
from mock_server.rehearsal.faults import InvalidRule

admin_faults = Blueprint("admin_faults", __name__, url_prefix="/__admin")
admin_faults.before_request(guard)  # the same exposure rules as the rest of /__admin


@admin_faults.post("/faults")
def add_fault() -> Response:
    body = request.get_json(silent=True)
    try:
        rule = services().faults.add(body)
    except InvalidRule as error:
        raise ValidationFailed([FieldProblem(error.field, error.message)]) from None
    return json_response({"id": rule.id, "rule": rule.as_json()}, 201)


@admin_faults.get("/faults")
def list_faults() -> Response:
    return json_response({"faults": [rule.as_json() for rule in services().faults.rules()]})


@admin_faults.delete("/faults")
def clear_faults() -> Response:
    services().faults.clear()
    return empty_response(204)


@admin_faults.delete("/faults/<rule_id>")
def remove_fault(rule_id: str) -> Response:
    if not services().faults.remove(rule_id):
        return error_response(404, "/errors/not-found", "No fault rule with that id")
    return empty_response(204)
