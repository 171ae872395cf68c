"""The official Python SDK (xi-sdk-resellers) as a client of a real `ingram-mock serve` process.

One server per module; its state is reset before every test so tests stay independent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
import requests
from xi.sdk.resellers.api.accesstoken_api import AccesstokenApi
from xi.sdk.resellers.api.orders_api import OrdersApi
from xi.sdk.resellers.api_client import ApiClient
from xi.sdk.resellers.configuration import Configuration
from xi.sdk.resellers.models import (
    OrderCreateRequest,
    OrderCreateRequestAdditionalAttributesInner,
    OrderCreateRequestLinesInner,
)

from tests.live import LiveServer, start_server

CLIENT_ID = "sdk-client"
CLIENT_SECRET = "sdk-secret"

SERVER_ARGS = ("--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET)


# Each suite runs against a lenient server (the default) and a strict one, where the SDK's
# requests must match our contract exactly: no unknown field, no coerced scalar.
@pytest.fixture(scope="module", params=["strict", "lenient"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    live = start_server([*SERVER_ARGS, *(["--strict"] if request.param == "strict" else [])])
    try:
        yield live
    finally:
        code, output = live.stop()
    assert code == 0, f"ingram-mock exited with {code} after Ctrl-C:\n{output}"
    assert "Traceback" not in output, output


def admin_post(server: LiveServer, path: str, body: dict[str, Any] | None = None) -> Any:
    answer = requests.post(f"{server.base_url}/__admin/{path}", json=body or {}, timeout=5)
    answer.raise_for_status()
    return answer.json()


@pytest.fixture(autouse=True)
def _reset(server: LiveServer) -> None:
    admin_post(server, "reset")


@pytest.fixture
def advance_clock(server: LiveServer) -> Callable[[float], Any]:
    """Move mock time forward: `advance_clock(86400)`."""

    def _advance(seconds: float) -> Any:
        return admin_post(server, "clock", {"advanceSeconds": seconds})

    return _advance


def sdk_client(host: str, access_token: str | None = None) -> ApiClient:
    return ApiClient(Configuration(host=host, access_token=access_token))


def close(api_client: ApiClient) -> None:
    # The SDK never closes its urllib3 pool; do it so no socket outlives the test.
    api_client.rest_client.pool_manager.clear()


@pytest.fixture(scope="module")
def access_token(server: LiveServer) -> str:
    """A token obtained the way an integrator does it: through the SDK's AccesstokenApi."""
    api_client = sdk_client(server.base_url)
    try:
        answer = AccesstokenApi(api_client).get_accesstoken(
            grant_type="client_credentials", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
    finally:
        close(api_client)
    assert answer.access_token
    return answer.access_token


@pytest.fixture(scope="module")
def orders(server: LiveServer, access_token: str) -> Iterator[OrdersApi]:
    api_client = sdk_client(server.base_url, access_token)
    yield OrdersApi(api_client)
    close(api_client)


@pytest.fixture(scope="module")
def sandbox_orders(server: LiveServer, access_token: str) -> Iterator[OrdersApi]:
    api_client = sdk_client(f"{server.base_url}/sandbox", access_token)
    yield OrdersApi(api_client)
    close(api_client)


def order_request(
    po: str, lines: Sequence[tuple[str, int]], *, hold: bool = False
) -> OrderCreateRequest:
    return OrderCreateRequest(
        customer_order_number=po,
        notes="placed by the official SDK",
        lines=[
            OrderCreateRequestLinesInner(
                customer_line_number=str(n), ingram_part_number=part, quantity=quantity
            )
            for n, (part, quantity) in enumerate(lines, start=1)
        ],
        additional_attributes=[
            OrderCreateRequestAdditionalAttributesInner(
                attribute_name="allowOrderOnCustomerHold", attribute_value="true"
            )
        ]
        if hold
        else None,
    )
