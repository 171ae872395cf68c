"""The OAuth2 client-credentials token endpoint (GET with a query, or POST with a form; the
client's credentials in those or by HTTP Basic: `mock_server.gateway.oauth` reads them).

Served at `/oauth/oauth20/token`, the path the reseller pages name, and at
`/oauth/oauth30/token`, the one the published security scheme names: real clients use both.
The blueprint is also mounted under `/sandbox` (see app.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.domain.errors import ValidationFailed
from mock_server.gateway.oauth import token_request
from mock_server.gateway.tokens import InvalidClient
from mock_server.http.context import record_violations, services
from mock_server.http.errors import json_response, token_error_response

tokens = Blueprint("tokens", __name__)


@tokens.route("/oauth/oauth20/token", methods=["GET", "POST"])
@tokens.route("/oauth/oauth30/token", methods=["GET", "POST"])
def issue_token() -> Response:
    asked = token_request(
        request.method, request.args, request.form, request.headers.get("Authorization")
    )
    if asked.unreadable:
        return token_error_response(f"Invalid client credentials: {asked.unreadable}", 401)
    if asked.conflict:
        return token_error_response(asked.conflict, 400)
    if asked.missing:
        missing = ", ".join(asked.missing)
        return token_error_response(f"Missing required parameter(s): {missing}", 400)
    if asked.violations:
        operation = "createAccessToken" if request.method == "POST" else "getAccessToken"
        try:
            record_violations(operation, list(asked.violations))
        except ValidationFailed:
            return token_error_response(asked.violations[0].message, 400)
    grant_type, client_id, client_secret = asked.grant_type, asked.client_id, asked.client_secret
    if grant_type != "client_credentials":
        return token_error_response("Unsupported grant_type: use client_credentials", 400)
    try:
        token = services().tokens.issue(client_id, client_secret)
    except InvalidClient:
        return token_error_response("Invalid client credentials", 401)
    return json_response(
        {
            "access_token": token.access_token,
            "token_type": token.token_type,
            "expires_in": str(token.expires_in),
        }
    )
