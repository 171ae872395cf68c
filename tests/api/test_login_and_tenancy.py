"""Login, headers and tenancy as real clients meet them (issue 10, first part; issue 9 #7, #9).

The token at both published paths, the bearer scheme in any case, credentials that are not
ASCII, a correlation id longer than the documented 32, the country code echoed, and apps
registered to one customer number.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.cli import main, serve_settings
from mock_server.config import Settings
from mock_server.contract.document import load_contract
from mock_server.gateway.tokens import ClientApp
from tests.conftest import CUSTOMER, OTHER_CUSTOMER, new_order, order_headers

CONTRACT = load_contract()
CREDENTIALS = {"grant_type": "client_credentials", "client_id": "id", "client_secret": "s"}


def _token(client: FlaskClient, client_id: str, secret: str) -> Any:
    return client.get(
        "/oauth/oauth20/token",
        query_string={**CREDENTIALS, "client_id": client_id, "client_secret": secret},
    )


@pytest.mark.parametrize(
    "path",
    [
        "/oauth/oauth20/token",
        "/oauth/oauth30/token",
        "/sandbox/oauth/oauth20/token",
        "/sandbox/oauth/oauth30/token",
    ],
)
def test_the_token_is_served_at_every_path_clients_use(client: FlaskClient, path: str) -> None:
    for answer in (client.get(path, query_string=CREDENTIALS), client.post(path, data=CREDENTIALS)):
        assert answer.status_code == 200, answer.get_data(as_text=True)
        body = answer.get_json()
        assert not list(CONTRACT.validator("AccessToken").iter_errors(body))
        search = client.get(
            "/resellers/v6/orders/search", headers=order_headers(body["access_token"])
        )
        assert search.status_code == 204


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(
    client: FlaskClient, token: str, scheme: str
) -> None:
    headers = {**order_headers(token), "Authorization": f"{scheme} {token}"}
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 204


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [("mé", "pw"), ("me", "pässwörd"), ("客户", "密码"), ("me", "pw\u00a0")],
)
def test_non_ascii_credentials_are_a_401_not_a_500(client_id: str, secret: str) -> None:
    configured = create_app(Settings(client_id="me", client_secret="pw")).test_client()
    by_get = _token(configured, client_id, secret)
    by_post = configured.post(
        "/oauth/oauth30/token",
        data={**CREDENTIALS, "client_id": client_id, "client_secret": secret},
    )
    assert (by_get.status_code, by_post.status_code) == (401, 401)
    assert _token(configured, "me", "pw").status_code == 200


def test_non_ascii_configured_credentials_work() -> None:
    configured = create_app(Settings(client_id="mé", client_secret="pä")).test_client()
    assert _token(configured, "mé", "pä").status_code == 200
    assert _token(configured, "me", "pa").status_code == 401


def test_a_token_with_latin1_bytes_is_a_401(client: FlaskClient, token: str) -> None:
    headers = {**order_headers(token), "Authorization": "Bearer 1.é.ü"}
    assert client.get("/resellers/v6/orders/search", headers=headers).status_code == 401


# -- headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "correlation_id",
    ["3f1c9e2a-7b6d-4c58-a0e1-f2d3c4b5a697", "fbac82ba-cf0a-4bcf-fc03-0c5084" + "x" * 15],
)
def test_a_correlation_id_longer_than_32_is_served_echoed_and_recorded(
    client: FlaskClient, token: str, correlation_id: str
) -> None:
    headers = order_headers(token, **{"IM-CorrelationID": correlation_id})
    answer = client.post("/resellers/v6/orders", json=new_order(), headers=headers)
    assert answer.status_code == 201, answer.get_json()
    assert answer.headers["IM-CorrelationID"] == correlation_id
    recorded = client.get("/__admin/violations").get_json()["violations"]
    assert [(v["field"], v["kind"], v["refused"]) for v in recorded] == [
        ("IM-CorrelationID", "tolerated", False)
    ]


def test_strict_mode_refuses_a_long_correlation_id() -> None:
    strict = create_app(Settings(strict=True)).test_client()
    token = _token(strict, "a", "b").get_json()["access_token"]
    headers = order_headers(token, **{"IM-CorrelationID": "c" * 36})
    answer = strict.post("/resellers/v6/orders", json=new_order(), headers=headers)
    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["fields"][0]["field"] == "IM-CorrelationID"
    assert answer.headers["IM-CorrelationID"] == "c" * 36


def test_country_code_sender_and_correlation_are_echoed_on_every_order_answer(
    client: FlaskClient, token: str
) -> None:
    headers = order_headers(token, **{"IM-SenderID": "MyShop", "IM-CountryCode": "us"})
    answers = [
        client.post("/resellers/v6/orders", json=new_order(), headers=headers),  # 201
        client.get("/resellers/v6/orders/search", headers=headers),  # 200
        client.get("/resellers/v6.1/orders/20-ZZZZZ", headers=headers),  # 404
        client.delete("/resellers/v6/orders/20-ZZZZZ", headers=headers),  # 404
        client.post("/resellers/v6/orders", json={"lines": []}, headers=headers),  # 400
        client.get("/resellers/v6/orders/search", headers={**headers, "Authorization": "x"}),
    ]
    assert [a.status_code for a in answers] == [201, 200, 404, 404, 400, 401]
    for answer in answers:
        assert answer.headers["IM-CountryCode"] == "us"
        assert answer.headers["IM-SenderID"] == "MyShop"
        assert answer.headers["IM-CorrelationID"] == headers["IM-CorrelationID"]


# -- apps bound to a customer number -----------------------------------------------------


def _bound_client(**settings: Any) -> FlaskClient:
    return create_app(
        Settings(clients=("shop:s3cr:et:20-111111", "erp:pw:20-222222"), **settings)
    ).test_client()


def test_a_bound_token_acts_for_its_customer_number_only() -> None:
    client = _bound_client()
    token = _token(client, "shop", "s3cr:et").get_json()["access_token"]
    own = order_headers(token, customer="20-111111")
    assert client.post("/resellers/v6/orders", json=new_order(), headers=own).status_code == 201
    for method, path in (
        ("POST", "/resellers/v6/orders"),
        ("POST", "/resellers/v7/orders"),
        ("GET", "/resellers/v6/orders/search"),
        ("GET", "/resellers/v6.1/orders/20-ABCDE"),
        ("PUT", "/resellers/v6/orders/20-ABCDE"),
        ("DELETE", "/resellers/v6/orders/20-ABCDE"),
    ):
        answer = client.open(
            path, method=method, json=new_order(), headers=order_headers(token, customer=CUSTOMER)
        )
        assert answer.status_code == 500, (method, path)
        assert answer.get_json() == {
            "faultcode": "Server",
            "faultstring": "Invalid customer number. The customer number provided on the API "
            "call does not match the registered customer number.",
        }
    other = _token(client, "erp", "pw").get_json()["access_token"]
    search = client.get("/resellers/v6/orders/search", headers=order_headers(other))
    assert search.status_code == 204  # 20-222222's own view: the other app's order is not there


def test_with_registrations_only_registered_credentials_get_tokens() -> None:
    client = _bound_client()
    assert _token(client, "shop", "wrong").status_code == 401
    assert _token(client, "anyone", "anything").status_code == 401
    both = _bound_client(client_id="ci", client_secret="pw")
    unbound = _token(both, "ci", "pw").get_json()["access_token"]
    for customer in (CUSTOMER, OTHER_CUSTOMER):
        answer = both.get("/resellers/v6/orders/search", headers=order_headers(unbound, customer))
        assert answer.status_code == 204


def test_without_registrations_any_customer_number_is_served(
    client: FlaskClient, token: str
) -> None:
    for customer in (CUSTOMER, OTHER_CUSTOMER, "99-999999"):
        answer = client.get("/resellers/v6/orders/search", headers=order_headers(token, customer))
        assert answer.status_code == 204


def test_registrations_come_from_the_environment_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGRAM_MOCK_CLIENT", "a:b:20-111111, c:d:20-222222")
    assert serve_settings().clients == ("a:b:20-111111", "c:d:20-222222")
    assert serve_settings(["--client", "e:f:20-3"]).clients == ("e:f:20-3",)  # the flag wins
    monkeypatch.delenv("INGRAM_MOCK_CLIENT")
    monkeypatch.setenv("INGRAM_MOCK_CLIENTS", "g:h:20-4 i:j:20-5")  # the old name, still read
    assert serve_settings().clients == ("g:h:20-4", "i:j:20-5")
    assert ClientApp.parse("id:se:cr:et:20-1") == ClientApp("id", "se:cr:et", "20-1")
    for bad in ("nocolon", "id:secret", ":s:c", "id::c", "id:s:"):
        with pytest.raises(ValueError):
            ClientApp.parse(bad)


def test_serve_refuses_a_malformed_client_registration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--client", "id-without-secret"]) == 2
    assert "ID:SECRET:CUSTOMER" in capsys.readouterr().err
