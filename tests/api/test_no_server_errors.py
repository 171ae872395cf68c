"""However malformed the request, the answer is never a 500 and state stays intact."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from tests.conftest import issue_token

_APP = create_app(Settings(), clock=AdjustableClock(FrozenClock()))
_CLIENT: FlaskClient = _APP.test_client()
_TOKEN = issue_token(_CLIENT)
_HEADERS = {
    "Authorization": f"Bearer {_TOKEN}",
    "IM-CustomerNumber": "20-444444",
    "IM-CountryCode": "US",
    "IM-CorrelationID": "fuzz",
}
_HELD = _CLIENT.post(
    "/resellers/v6/orders",
    json={
        "customerOrderNumber": "FUZZ-ANCHOR",
        "lines": [{"ingramPartNumber": "2GZ200", "quantity": 1}],
        "additionalAttributes": [
            {"attributeName": "allowOrderOnCustomerHold", "attributeValue": "true"}
        ],
    },
    headers=_HEADERS,
).get_json()["orders"][0]["ingramOrderNumber"]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["customerOrderNumber", "lines", "quantity", "ingramPartNumber", "notes",
             "addUpdateDeleteLine", "shipToInfo", "additionalAttributes", "quoteNumber",
             "ingramLineNumber", "attributeName", "attributeValue", "x"]
        ),
        children,
        max_size=5,
    ),
    max_leaves=20,
)  # fmt: skip
raw_bodies = st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode())
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
routes = st.sampled_from(
    [
        ("POST", "/resellers/v6/orders"),
        ("POST", "/resellers/v7/orders"),
        ("GET", "/resellers/v6.1/orders/{n}"),
        ("GET", "/resellers/v6/orders/search"),
        ("PUT", "/resellers/v6/orders/{n}"),
        ("DELETE", "/resellers/v6/orders/{n}"),
        ("GET", "/oauth/oauth20/token"),
        ("POST", "/__admin/clock"),
    ]
)


@settings(max_examples=300)
@given(
    route=routes,
    body=raw_bodies,
    number=st.text(max_size=14) | st.just("20-ABCDE"),
    query=st.dictionaries(
        st.sampled_from(
            ["pageSize", "pageNumber", "orderStatus", "ingramOrderDate-bt", "simulateStatus",
             "regionCode", "actionCode", "shipDate_bt", "grant_type"]
        ),
        st.text(max_size=12),
        max_size=3,
    ),
    customer=header_values,
    country=header_values,
)  # fmt: skip
def test_no_request_gets_a_server_error(
    route: tuple[str, str],
    body: bytes,
    number: str,
    query: dict[str, Any],
    customer: str,
    country: str,
) -> None:
    method, template = route
    path = template.replace("{n}", number.replace("/", "").replace("?", "") or "x")
    headers = {**_HEADERS, "IM-CustomerNumber": customer, "IM-CountryCode": country}
    answer = _CLIENT.open(
        path, method=method, data=body, headers=headers, query_string=query,
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code < 500, (method, path, answer.get_data()[:300])
    if answer.status_code >= 400 and answer.is_json and not path.startswith("/oauth"):
        payload = answer.get_json()
        assert "errors" in payload or "traceid" in payload


def test_the_anchor_order_survived_the_fuzzing() -> None:
    # Runs after the fuzz test in file order: bad input never corrupted stored state.
    answer = _CLIENT.get(f"/resellers/v6.1/orders/{_HELD}", headers=_HEADERS)
    assert answer.status_code == 200
    assert answer.get_json()["orderStatus"] == "On Hold"
