"""The contract suite, in-process: schemathesis against the mock app over WSGI.

Every operation of `contracts/orders-api.json` gets positive and negative data and every
built-in check plus ours (`mock_server.harness.checks`); then the contract's links drive a
state machine (create -> details / modify / release / cancel / search). The configuration
is `suite_config`, the one `ingram-mock contract-test` uses against a live server, with two
differences: the customer number is generated rather than pinned (the links carry it
along), and the coverage phase is left to the live run in `test_contract_test_cli.py`,
because its ~2,600 cases do not shrink with max_examples.

The app is a fresh `create_app()` as `ingram-mock serve` runs it by default: lenient, like the
real API, tolerating unknown request fields (the suite does not count that against a server).
`schema.parametrize()` needs the schema, and schemathesis needs the bearer token,
when the module is collected, so the app is built then and reset before every test.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis import Case

import mock_server.harness.checks  # noqa: F401  (registers our checks with schemathesis)
from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.harness.suite import SuiteOptions, default_contract, suite_config

settings.register_profile(
    "contract",
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "contract-stateful",
    settings.get_profile("contract"),
    max_examples=15,
    stateful_step_count=6,
    suppress_health_check=list(HealthCheck),
)
STATELESS = settings.get_profile("contract")
STATEFUL = settings.get_profile("contract-stateful")


def _bound_schema() -> tuple[Flask, Any, str]:
    """The mock app as served by default (lenient) and our contract bound to it, with a bearer
    token from the app."""
    app = create_app(Settings())
    answer = app.test_client().get(
        "/oauth/oauth20/token",
        query_string={
            "grant_type": "client_credentials",
            "client_id": "contract-suite",
            "client_secret": "contract-suite",
        },
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    token = str(answer.get_json()["access_token"])
    options = SuiteOptions(
        token=token,
        # Pinned like the CLI does, so generated reads and searches meet the seeded orders.
        customer_number=SEEDED_CUSTOMER,
        country_code="US",
        max_examples=STATELESS.max_examples,
        stateful_steps=STATEFUL.stateful_step_count,
        coverage=False,
    )
    config = schemathesis.Config.from_dict(suite_config(options))
    bound = schemathesis.openapi.from_path(default_contract(), config=config)
    bound.app = app
    return app, bound, token


SEEDED_CUSTOMER = "20-222222"
APP, schema, TOKEN = _bound_schema()


def _reset_and_seed() -> None:
    """An empty store plus a few orders of the pinned customer (held, open, backordered), so
    searches and reads answer 200 with real bodies for the response checks to judge."""
    client = APP.test_client()
    assert client.post("/__admin/reset").status_code == 200
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "IM-CustomerNumber": SEEDED_CUSTOMER,
        "IM-CountryCode": "US",
        "IM-CorrelationID": "contract-seed",
    }
    for po, part, hold in (
        ("SEED-1", "2GZ200", True),
        ("SEED-2", "DF4128", False),
        ("SEED-3", "4U0212", False),
    ):
        body: dict[str, Any] = {
            "customerOrderNumber": po,
            "lines": [{"customerLineNumber": "1", "ingramPartNumber": part, "quantity": 2}],
        }
        if hold:
            body["additionalAttributes"] = [
                {"attributeName": "allowOrderOnCustomerHold", "attributeValue": "true"}
            ]
        assert client.post("/resellers/v6/orders", json=body, headers=headers).status_code == 201


@pytest.fixture(autouse=True)
def _reset_mock() -> None:
    """Each test starts from the same seeded store; the token stays valid across resets."""
    _reset_and_seed()


@schema.parametrize()
@settings(STATELESS)
def test_operation_honours_the_contract(case: Case) -> None:
    case.call_and_validate()


def test_linked_operations_honour_the_contract() -> None:
    class Scenarios(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Replayed (shrunk) scenarios must meet the same store.
            _reset_and_seed()

    Scenarios.run(settings=STATEFUL)
