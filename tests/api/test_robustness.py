"""Bad input and careless clients (issue 9): limits, media types, page numbers, and who may
use /__admin. Each test here failed on the code before the fix."""

from __future__ import annotations

import io
from typing import Any

import orjson
import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings, is_loopback_name
from mock_server.server.front import startup_warnings
from tests.conftest import issue_token, new_order, order_headers

MAX_LINES = 884  # the spec: customer line numbers run from 1 to 884


def _lines(count: int) -> list[dict[str, Any]]:
    return [
        {"customerLineNumber": str(i), "ingramPartNumber": "2GZ200", "quantity": 1}
        for i in range(1, count + 1)
    ]


# -- lines per request (defect 4) -------------------------------------------------------


def test_a_create_at_the_line_bound_succeeds(client: FlaskClient, headers: dict[str, str]) -> None:
    body = new_order(lines=_lines(MAX_LINES))
    answer = client.post("/resellers/v6/orders", json=body, headers=headers)
    assert answer.status_code == 201
    assert len(answer.get_json()["orders"][0]["lines"]) == MAX_LINES


@pytest.mark.parametrize("path", ["/resellers/v6/orders", "/resellers/v7/orders"])
def test_a_create_over_the_line_bound_is_a_400_naming_lines(
    client: FlaskClient, headers: dict[str, str], path: str
) -> None:
    body = new_order(lines=_lines(MAX_LINES + 1))
    answer = client.post(path, json=body, headers=headers)
    assert answer.status_code == 400
    payload = answer.get_json()
    fields = payload["fields"] if "fields" in payload else payload["errors"][0]["fields"]
    assert [f["field"] for f in fields] == ["lines"]
    assert str(MAX_LINES) in fields[0]["message"]
    assert len(answer.get_data()) < 2000  # the message does not quote the array back


def test_a_modify_over_the_line_bound_is_a_400_naming_lines(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    number = place(hold=True)
    change = [
        {"ingramLineNumber": "001", "addUpdateDeleteLine": "UPDATE", "quantity": 1}
    ] * (MAX_LINES + 1)
    answer = client.put(f"/resellers/v6/orders/{number}", json={"lines": change}, headers=headers)
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["fields"][0]["field"] == "lines"


# -- body size, however framed (defect 5) -------------------------------------------------


def test_a_body_without_a_declared_length_over_the_limit_is_413(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    padded = orjson.dumps(new_order()) + b" " * (1024 * 1024)  # valid JSON, past 1 MiB
    answer = client.post(
        "/resellers/v6/orders",
        input_stream=io.BytesIO(padded),
        headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    assert answer.status_code == 413
    assert answer.get_json()["errors"][0]["type"] == "/errors/http-413"


def test_a_chunked_body_within_the_limit_is_read_whole(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    answer = client.post(
        "/resellers/v6/orders",
        input_stream=io.BytesIO(orjson.dumps(new_order())),
        headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    assert answer.status_code == 201


# -- page numbers (defect 6) ---------------------------------------------------------------


@pytest.mark.parametrize("page", [str(2**31), str(2**62), "99999999999999999999"])
def test_a_page_number_past_int32_is_a_400_naming_it(
    client: FlaskClient, headers: dict[str, str], place: Any, page: str
) -> None:
    place()
    answer = client.get(f"/resellers/v6/orders/search?pageNumber={page}", headers=headers)
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["fields"][0]["field"] == "pageNumber"


def test_the_last_int32_page_is_an_empty_page(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    place()
    answer = client.get(f"/resellers/v6/orders/search?pageNumber={2**31 - 1}", headers=headers)
    assert answer.status_code == 200
    assert answer.get_json()["orders"] == []


# -- media types (defect 8) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "media_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"]
)
def test_a_body_that_is_not_json_by_its_media_type_is_415(
    client: FlaskClient, headers: dict[str, str], media_type: str
) -> None:
    body = orjson.dumps(new_order())
    answer = client.post(
        "/resellers/v6/orders", data=body, headers={**headers, "Content-Type": media_type}
    )
    assert answer.status_code == 415
    assert answer.get_json()["errors"][0]["type"] == "/errors/http-415"
    assert client.get("/__admin/health").get_json()["orders"] == 0


@pytest.mark.parametrize(
    "media_type", ["application/json; charset=utf-8", "application/vnd.ingram+json"]
)
def test_json_media_types_with_parameters_or_suffixes_are_json(
    client: FlaskClient, headers: dict[str, str], media_type: str
) -> None:
    body = orjson.dumps(new_order())
    answer = client.post(
        "/resellers/v6/orders", data=body, headers={**headers, "Content-Type": media_type}
    )
    assert answer.status_code == 201


@pytest.mark.parametrize("strict", [False, True])
def test_a_json_body_without_content_type_is_served_and_recorded_or_415_in_strict(
    strict: bool,
) -> None:
    client = create_app(Settings(strict=strict)).test_client()
    headers = order_headers(issue_token(client))
    answer = client.post("/resellers/v6/orders", data=orjson.dumps(new_order()), headers=headers)
    assert answer.status_code == (415 if strict else 201)
    recorded = client.get("/__admin/violations").get_json()["violations"]
    assert [(v["field"], v["refused"]) for v in recorded] == [("Content-Type", strict)]


# -- /__admin exposure -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "media_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_admin_writes_take_json_only(client: FlaskClient, place: Any, media_type: str) -> None:
    place()
    answer = client.post("/__admin/reset", data="{}", headers={"Content-Type": media_type})
    assert answer.status_code == 415
    assert client.get("/__admin/health").get_json()["orders"] == 1  # nothing was reset
    assert client.post("/__admin/reset", json={}).status_code == 200


def test_a_cross_origin_admin_write_is_refused(client: FlaskClient, place: Any) -> None:
    place()
    answer = client.post("/__admin/reset", headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert client.get("/__admin/health").get_json()["orders"] == 1
    same_origin = client.post("/__admin/reset", headers={"Origin": "http://localhost"})
    assert same_origin.status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "192.168.1.20:8080"])
def test_on_loopback_admin_refuses_a_host_that_is_not_a_loopback_name(
    client: FlaskClient, host: str
) -> None:
    answer = client.get("/__admin/requests", headers={"Host": host})
    assert answer.status_code == 403
    assert answer.get_json()["errors"][0]["type"] == "/errors/forbidden"


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8080", "127.0.0.1:8080", "127.1.2.3", "[::1]:8080"]
)
def test_on_loopback_admin_answers_loopback_names(client: FlaskClient, host: str) -> None:
    assert client.get("/__admin/health", headers={"Host": host}).status_code == 200


def test_bound_elsewhere_admin_takes_any_host() -> None:
    client = create_app(Settings(host="0.0.0.0")).test_client()
    assert client.get("/__admin/health", headers={"Host": "mock.internal:8080"}).status_code == 200


def test_the_admin_token_protects_admin_when_set() -> None:
    client = create_app(Settings(admin_token="s3cret")).test_client()
    assert client.get("/__admin/health").status_code == 401
    assert client.post("/__admin/reset", headers={"X-Admin-Token": "wrong"}).status_code == 401
    bearer = {"Authorization": "Bearer s3cret"}
    assert client.get("/__admin/health", headers=bearer).status_code == 200
    assert client.post("/__admin/reset", headers={"X-Admin-Token": "s3cret"}).status_code == 200
    assert client.get("/__admin/health", headers={"X-Admin-Token": "sécret"}).status_code == 401
    # the API itself is not behind the admin token
    assert issue_token(client)


def test_the_admin_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_server.cli import serve_settings

    monkeypatch.setenv("INGRAM_MOCK_ADMIN_TOKEN", "t")
    assert serve_settings().admin_token == "t"


def test_a_non_loopback_bind_warns_at_start() -> None:
    assert startup_warnings(Settings(host="127.0.0.1")) == []
    assert startup_warnings(Settings(host="localhost")) == []
    (warning,) = startup_warnings(Settings(host="0.0.0.0"))
    assert "0.0.0.0" in warning and "--admin-token" in warning
    (protected,) = startup_warnings(Settings(host="0.0.0.0", admin_token="t"))
    assert "--admin-token" not in protected


@pytest.mark.parametrize(
    ("name", "loopback"),
    [("localhost", True), ("app.localhost:80", True), ("127.0.0.1", True), ("::1", True),
     ("[::1]", True), ("0.0.0.0", False), ("localhost.evil.example", False), ("10.0.0.1", False)],
)
def test_loopback_names(name: str, loopback: bool) -> None:
    assert is_loopback_name(name) is loopback


def test_admin_bodies_are_held_to_the_api_limit_but_a_snapshot_is_not(
    client: FlaskClient,
) -> None:
    big = b'{"advanceSeconds": 1, "pad": "' + b"x" * (1024 * 1024) + b'"}'
    answer = client.post("/__admin/clock", data=big, content_type="application/json")
    assert answer.status_code == 413
    snapshot = client.get("/__admin/state").get_json()
    snapshot["padding"] = "x" * (1024 * 1024)  # unknown keys aside, a snapshot may be big
    imported = client.put("/__admin/state", json=snapshot)
    assert imported.status_code != 413
