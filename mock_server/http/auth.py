"""The OAuth2 client-credentials token endpoint (GET with a query, or POST with a form).

Served at `/oauth/oauth20/token`, the path the reseller pages name, and at
`/oauth/oauth30/token`, the one the published security scheme names: real clients use both.
The blueprint is also mounted under `/sandbox` (see app.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.gateway.tokens import InvalidClient
from mock_server.http.context import services
from mock_server.http.errors import json_response, token_error_response

tokens = Blueprint("tokens", __name__)


@tokens.route("/oauth/oauth20/token", methods=["GET", "POST"])
@tokens.route("/oauth/oauth30/token", methods=["GET", "POST"])
def issue_token() -> Response:
    source = request.form if request.method == "POST" and request.form else request.args
    grant_type = source.get("grant_type", "")
    client_id = source.get("client_id", "")
    client_secret = source.get("client_secret", "")
    missing = [
        name
        for name, value in (
            ("grant_type", grant_type),
            ("client_id", client_id),
            ("client_secret", client_secret),
        )
        if not value
    ]
    if missing:
        return token_error_response(f"Missing required parameter(s): {', '.join(missing)}", 400)
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
