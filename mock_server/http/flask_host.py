"""What the routes Flask hosts (the admin API, the docs page, the dashboard) share: the
wired services, JSON answers, and error handlers that answer in the API's format. The
API's own operations never come here: they are the door's (`http/door.py`)."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from mock_server.bootstrap import MockServices
from mock_server.domain.errors import DomainError, FieldProblem
from mock_server.domain.ports import StoreUnavailable
from mock_server.wire.errors import (
    SERVER_ERROR,
    STORE_UNAVAILABLE,
    UNEXPECTED,
    domain_error,
    error_body,
)

log = logging.getLogger(__name__)

SERVICES_KEY = "ingram_mock"  # app.extensions: the wired MockServices


def services() -> MockServices:
    svc: MockServices = current_app.extensions[SERVICES_KEY]
    return svc


def json_response(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype="application/json")


def empty_response(status: int) -> Response:
    """A bodiless answer without Flask's default text/html type."""
    response = Response(status=status)
    del response.headers["Content-Type"]
    return response


def error_response(
    status: int, error_type: str, message: str, fields: list[FieldProblem] | None = None
) -> Response:
    """An answer in the API's `{"errors": [...]}` format."""
    return json_response(error_body(error_type, message, fields), status)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def broken_rule(error: DomainError) -> Response:
        status, body = domain_error(error)
        return json_response(body, status)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        if status == 404:
            message = f"No such resource: {request.path}"
        elif status == 405:
            message = f"Method {request.method} is not allowed on {request.path}"
        else:
            message = error.description or error.name
        response = error_response(status, f"/errors/http-{status}", message)
        allow = error.get_response().headers.get("Allow") if status == 405 else None
        if allow:
            response.headers["Allow"] = allow
        return response

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(error: StoreUnavailable) -> Response:
        # Logged where it happened (store.connection); the client may simply retry.
        response = error_response(503, "/errors/service-unavailable", STORE_UNAVAILABLE)
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, SERVER_ERROR, UNEXPECTED)
