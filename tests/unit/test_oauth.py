"""Reading a token request (`gateway.oauth.token_request`): parameters, HTTP Basic, both."""

from __future__ import annotations

import base64

import pytest

from mock_server.gateway.oauth import token_request

GRANT = {"grant_type": "client_credentials"}
CREDENTIALS = {**GRANT, "client_id": "shop-app", "client_secret": "s3cret"}
PARAMS = ("grant_type", "client_id", "client_secret")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_query_credentials_as_the_sdks_send_them() -> None:
    asked = token_request("GET", CREDENTIALS, {}, None)
    assert (asked.grant_type, asked.client_id, asked.client_secret) == (
        "client_credentials",
        "shop-app",
        "s3cret",
    )
    assert not (asked.basic or asked.missing or asked.unreadable or asked.conflict)
    assert asked.violations == ()


def test_form_credentials_win_over_the_query_and_a_get_body_is_not_read() -> None:
    asked = token_request("POST", {"client_id": "from-query"}, CREDENTIALS, None)
    assert asked.client_id == "shop-app" and not asked.missing
    mixed = token_request("POST", {"client_secret": "s3cret"}, {**GRANT, "client_id": "x"}, None)
    assert (mixed.client_id, mixed.client_secret, mixed.missing) == ("x", "s3cret", ())
    assert token_request("GET", {}, CREDENTIALS, None).missing == PARAMS


def test_workato_basic_with_only_the_grant_and_a_scope_in_the_form() -> None:
    form = {**GRANT, "scope": "read"}
    asked = token_request("POST", {}, form, basic("shop-app", "s3cret"))
    assert (asked.client_id, asked.client_secret, asked.basic) == ("shop-app", "s3cret", True)
    assert not (asked.missing or asked.unreadable or asked.conflict or asked.violations)


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC"])
def test_basic_by_get_with_the_grant_in_the_query_any_scheme_case(scheme: str) -> None:
    header = basic("shop-app", "s3cret").replace("Basic", scheme)
    asked = token_request("GET", GRANT, {}, header)
    assert (asked.client_id, asked.client_secret, asked.missing) == ("shop-app", "s3cret", ())


def test_basic_user_and_password_are_form_decoded_and_the_secret_may_hold_colons() -> None:
    asked = token_request("POST", {}, GRANT, basic("my%20app", "a%3Ab:c+d"))
    assert (asked.client_id, asked.client_secret) == ("my app", "a:b:c d")


def test_basic_without_padding_is_read() -> None:
    header = basic("ab", "c").rstrip("=")
    assert header != basic("ab", "c")
    assert token_request("POST", {}, GRANT, header).client_secret == "c"


@pytest.mark.parametrize(
    "header",
    [
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b":secret").decode(),
        "Basic " + base64.b64encode(b"id:").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Basic",
    ],
)
def test_unreadable_basic_credentials_fail_client_authentication(header: str) -> None:
    asked = token_request("POST", {}, CREDENTIALS, header)
    assert asked.unreadable and asked.basic
    assert not asked.client_id


def test_another_scheme_is_not_client_authentication() -> None:
    asked = token_request("POST", {}, GRANT, "Bearer stale-token")
    assert not asked.basic and asked.missing == ("client_id", "client_secret")


def test_neither_way_is_missing_everything_but_what_was_sent() -> None:
    assert token_request("POST", {}, {}, None).missing == PARAMS
    assert token_request("POST", {}, GRANT, None).missing == ("client_id", "client_secret")
    assert token_request("POST", {}, {}, basic("a", "b")).missing == ("grant_type",)


def test_both_ways_naming_the_same_client_are_served_with_a_tolerated_violation() -> None:
    asked = token_request("POST", {}, CREDENTIALS, basic("shop-app", "s3cret"))
    assert (asked.client_id, asked.client_secret, asked.conflict) == ("shop-app", "s3cret", "")
    [violation] = asked.violations
    assert (violation.location, violation.field, violation.kind) == (
        "body",
        "client_id",
        "tolerated",
    )
    only_id = token_request("GET", {**GRANT, "client_id": "shop-app"}, {}, basic("shop-app", "x"))
    assert only_id.client_secret == "x" and only_id.violations[0].location == "query"


@pytest.mark.parametrize(
    "sent",
    [
        {"client_id": "other-app", "client_secret": "s3cret"},
        {"client_id": "shop-app", "client_secret": "wrong"},
        {"client_secret": "wrong"},
    ],
)
def test_both_ways_naming_different_clients_conflict(sent: dict[str, str]) -> None:
    asked = token_request("POST", {}, {**GRANT, **sent}, basic("shop-app", "s3cret"))
    assert asked.conflict and not asked.client_id and not asked.violations
