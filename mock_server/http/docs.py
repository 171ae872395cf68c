"""`/docs` (the contract as an interactive Swagger UI page) and `/openapi.json`.

Swagger UI's files come from the `swagger-ui-py` package, served from its install
directory: nothing is fetched from the internet. "Try it out" calls go to this mock: the
served contract's `servers` name the host the page was loaded from.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, send_from_directory

from mock_server.http.flask_host import json_response, services

docs = Blueprint("docs", __name__, template_folder="templates")

# The only files the page needs; nothing else in the package directory is served.
_ASSETS = frozenset(
    {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-16x16.png", "favicon-32x32.png"}
)


@cache
def assets_dir() -> Path | None:
    """Swagger UI's bundled files, found without importing the package (it pulls in YAML)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return static if (static / "swagger-ui-bundle.js").is_file() else None


def served_contract(document: Any, base_url: str) -> dict[str, Any]:
    """The contract with `servers` pointing at this mock (and its sandbox prefix)."""
    served = dict(document)
    served["servers"] = [
        {"url": base_url, "description": "this mock"},
        {"url": f"{base_url}/sandbox", "description": "this mock, sandbox paths"},
    ]
    return served


@docs.get("/openapi.json")
def openapi() -> Response:
    base_url = request.host_url.rstrip("/")
    return json_response(served_contract(services().contract.document, base_url))


@docs.get("/docs")
def docs_page() -> Response | str:
    if assets_dir() is None:
        return Response(
            "The docs page needs the swagger-ui-py package: pip install swagger-ui-py\n",
            status=503,
            mimetype="text/plain",
        )
    return render_template("docs.html")


@docs.get("/docs/assets/<name>")
def docs_asset(name: str) -> Response:
    folder = assets_dir()
    if folder is None or name not in _ASSETS:
        abort(404)
    return send_from_directory(folder, name, max_age=3600)
