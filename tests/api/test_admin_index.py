"""`GET /__admin` lists every admin endpoint: held to the app's own url_map, so the index
cannot drift from the routes (state and maintenance were once missing from it)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

_IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _shape(path: str) -> str:
    """`/__admin/x/<id>` and `/__admin/x/{id}` alike, without a trailing slash."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path).rstrip("/") or "/"


def test_the_index_lists_every_admin_route_and_nothing_else(
    app: Flask, client: FlaskClient
) -> None:
    routes = {
        (method, _shape(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/__admin")
        for method in (rule.methods or set()) - _IGNORED_METHODS
    }
    answer = client.get("/__admin")
    assert answer.status_code == 200
    listed = [(e["method"], _shape(e["path"])) for e in answer.get_json()["endpoints"]]
    assert len(listed) == len(set(listed)), "an endpoint is listed twice"
    assert set(listed) - routes == set(), "listed but not served"
    assert routes - set(listed) == set(), "served but not listed in http/admin.py _INDEX"
    assert all(e["what"] for e in answer.get_json()["endpoints"])
