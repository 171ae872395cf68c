"""The workbench under /__admin: the request journal (`/requests`: filtered, one entry,
cleared) and the rehearsal rules, fault rules (`/faults`, see rehearsal/faults.py) and
override rules (`/overrides`, see rehearsal/overrides.py): add, list, remove.

The admin blueprint's exposure rules (`guard`) hold here too."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.http.admin import guard
from mock_server.http.flask_host import empty_response, error_response, json_response, services
from mock_server.rehearsal.faults import InvalidRule
from mock_server.rehearsal.journal_view import InvalidQuery, JournalQuery, entry_json
from mock_server.rehearsal.overrides import InvalidOverride

admin_workbench = Blueprint("admin_workbench", __name__, url_prefix="/__admin")
admin_workbench.before_request(guard)


@admin_workbench.get("/requests")
def list_requests() -> Response:
    """Without parameters: every kept entry, oldest first (as this listing always was);
    with a filter or `limit`: newest first, unless `order=oldest`."""
    try:
        query = JournalQuery.parse(request.args.to_dict())
    except InvalidQuery as error:
        raise ValidationFailed([FieldProblem(error.field, error.message)]) from None
    journal = services().journal
    bodies = journal.bodies
    chosen = query.select(journal.entries())
    return json_response(
        {"total": journal.total, "requests": [entry_json(e, bodies=bodies) for e in chosen]}
    )


@admin_workbench.get("/requests/<entry_id>")
def get_request(entry_id: str) -> Response:
    journal = services().journal
    entry = journal.get(int(entry_id)) if entry_id.isdigit() else None
    if entry is None:
        return error_response(
            404, "/errors/not-found", f"No journal entry {entry_id}: never recorded, or gone"
        )
    return json_response(entry_json(entry, bodies=journal.bodies))


@admin_workbench.delete("/requests")
def clear_requests() -> Response:
    services().journal.clear()
    return empty_response(204)


@admin_workbench.post("/overrides")
def add_override() -> Response:
    body = request.get_json(silent=True)
    try:
        rule = services().overrides.add(body)
    except InvalidOverride as error:
        raise ValidationFailed([FieldProblem(error.field, error.message)]) from None
    return json_response({"id": rule.id, "rule": rule.as_json()}, 201)


@admin_workbench.get("/overrides")
def list_overrides() -> Response:
    """In the order they are tried, each with how often it fired."""
    rules = services().overrides.rules()
    return json_response({"overrides": [rule.as_json() for rule in rules]})


@admin_workbench.delete("/overrides")
def clear_overrides() -> Response:
    services().overrides.clear()
    return empty_response(204)


@admin_workbench.delete("/overrides/<rule_id>")
def remove_override(rule_id: str) -> Response:
    if not services().overrides.remove(rule_id):
        return error_response(404, "/errors/not-found", f"No override rule {rule_id}")
    return empty_response(204)


@admin_workbench.post("/faults")
def add_fault() -> Response:
    body = request.get_json(silent=True)
    try:
        rule = services().faults.add(body)
    except InvalidRule as error:
        raise ValidationFailed([FieldProblem(error.field, error.message)]) from None
    return json_response({"id": rule.id, "rule": rule.as_json()}, 201)


@admin_workbench.get("/faults")
def list_faults() -> Response:
    return json_response({"faults": [rule.as_json() for rule in services().faults.rules()]})


@admin_workbench.delete("/faults")
def clear_faults() -> Response:
    services().faults.clear()
    return empty_response(204)


@admin_workbench.delete("/faults/<rule_id>")
def remove_fault(rule_id: str) -> Response:
    if not services().faults.remove(rule_id):
        return error_response(404, "/errors/not-found", "No fault rule with that id")
    return empty_response(204)
