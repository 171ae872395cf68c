"""Snapshots: `/__admin/state` exports the whole state and imports it back; `--state-file`."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.http.flask_host import SERVICES_KEY as EXTENSION_KEY
from mock_server.rehearsal.clock import AdjustableClock, FrozenClock
from mock_server.rehearsal.snapshots import StateFile, write_atomically
from tests.conftest import issue_token, new_order, order_headers
from tests.live import start_server

pytestmark = pytest.mark.stores  # export from either store; import into a fresh in-memory one


def _fresh_app() -> Flask:
    return create_app(Settings(), clock=AdjustableClock(FrozenClock()))


def _populate(client: FlaskClient, headers: dict[str, str]) -> dict[str, str]:
    """Orders in every state worth keeping, a queued v7 submission, a webhook, mock time."""
    numbers = {}
    for name, hold in (("held", True), ("open", False), ("cancelled", True)):
        answer = client.post(
            "/resellers/v6/orders", json=new_order(po=name, hold=hold), headers=headers
        )
        assert answer.status_code == 201, answer.get_json()
        numbers[name] = answer.get_json()["orders"][0]["ingramOrderNumber"]
    assert (
        client.delete(f"/resellers/v6/orders/{numbers['cancelled']}", headers=headers).status_code
        == 200
    )
    # Five mock hours: the open order has shipped (a shipment with its seed) but not arrived.
    assert client.post("/__admin/clock", json={"advanceSeconds": 5 * 3600}).status_code == 200
    hook = {"url": "http://127.0.0.1:9/hook", "secret": "s3cret", "customerNumber": "20-222222"}
    assert client.put("/__admin/webhooks", json=hook).status_code == 200
    v7 = client.post("/resellers/v7/orders", json=new_order(po="v7"), headers=headers)
    assert v7.status_code == 200, v7.get_json()
    numbers["v7"] = v7.get_json()["confirmationNumber"]
    return numbers


def _without_stamp(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its time stamp, and without the token-signing key: a Redis
    store keeps its own key (every process signs with it) rather than the snapshot's."""
    return {k: v for k, v in document.items() if k not in ("savedAt", "tokens")}


@pytest.fixture
def target(store_settings: Settings) -> Iterator[Flask]:
    """The mock a snapshot goes into: of the same store kind, with a state of its own."""
    if store_settings.store == "memory":
        yield _fresh_app()
        return
    from tests.redis_support import drop_namespace, fresh_namespace

    settings = Settings(store=store_settings.store, store_namespace=fresh_namespace())
    yield create_app(settings, clock=AdjustableClock(FrozenClock()))
    drop_namespace(settings.store, settings.store_namespace)


def test_a_snapshot_carries_the_whole_state_into_another_mock(
    client: FlaskClient, headers: dict[str, str], target: Flask, store_kind: str
) -> None:
    numbers = _populate(client, headers)
    snapshot = client.get("/__admin/state").get_json()
    assert snapshot["kind"] == "ingram-mock-state" and snapshot["version"] == 1
    assert snapshot["clock"]["offsetSeconds"] == 5 * 3600
    assert [s["confirmation_number"] for s in snapshot["submissions"]] == [numbers["v7"]]
    assert snapshot["webhooks"]["registrations"][0]["secret"] == "s3cret"

    other = target.test_client()
    imported = other.put("/__admin/state", json=snapshot)
    assert imported.status_code == 200, imported.get_json()
    assert imported.get_json() == {"status": "imported", "orders": 3}
    again = other.get("/__admin/state").get_json()
    assert _without_stamp(again) == _without_stamp(snapshot)
    if store_kind == "memory":
        assert again["tokens"] == snapshot["tokens"]

    # The same answers from both mocks, and order numbers are not handed out twice.
    other_headers = order_headers(issue_token(other))
    for number in (numbers["held"], numbers["open"], numbers["cancelled"]):
        mine = client.get(f"/resellers/v6.1/orders/{number}", headers=headers).get_json()
        theirs = other.get(f"/resellers/v6.1/orders/{number}", headers=other_headers).get_json()
        assert theirs == mine
    fresh = other.post("/resellers/v6/orders", json=new_order(po="after"), headers=other_headers)
    assert fresh.get_json()["orders"][0]["ingramOrderNumber"] not in numbers.values()

    # The imported v7 submission is still to be processed, and is, once.
    services = other.application.extensions[EXTENSION_KEY]
    assert services.intake.drain() == 1
    found = other.get(
        "/resellers/v6/orders/search",
        query_string={"customerOrderNumber": "v7"},
        headers=other_headers,
    )
    assert found.get_json()["recordsFound"] == 1


def test_a_snapshot_of_unknown_version_is_refused_and_changes_nothing(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    number = place()
    before = client.get("/__admin/state").get_json()
    for bad in (
        {**before, "version": 99},
        {"kind": "something-else", "version": 1},
        {**before, "orders": [{"number": "20-XXXXX"}]},  # does not decode
        [1, 2, 3],
    ):
        answer = client.put("/__admin/state", json=bad)
        assert answer.status_code == 400
        error = answer.get_json()["errors"][0]
        assert error["type"] == "/errors/validation-failed"
        assert error["fields"][0]["field"] == "body"
    assert (
        "version 99"
        in client.put("/__admin/state", json={**before, "version": 99}).get_json()["errors"][0][
            "fields"
        ][0]["message"]
    )
    assert client.put("/__admin/state", data=b"{not json").status_code == 400
    assert _without_stamp(client.get("/__admin/state").get_json()) == _without_stamp(before)
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code == 200


def test_a_snapshot_missing_a_part_is_refused_whole_naming_it(
    client: FlaskClient, headers: dict[str, str], place: Any
) -> None:
    number = place()
    before = client.get("/__admin/state").get_json()
    bare = client.put("/__admin/state", json={"kind": "ingram-mock-state", "version": 1})
    assert bare.status_code == 400
    problem = bare.get_json()["errors"][0]["fields"][0]
    assert problem["field"] == "clock"
    assert "/__admin/reset" in problem["message"]
    for part in ("clock", "sequence", "orders", "submissions", "webhooks"):
        answer = client.put("/__admin/state", json={k: v for k, v in before.items() if k != part})
        assert answer.status_code == 400, part
        assert answer.get_json()["errors"][0]["fields"][0]["field"] == part
    for part in ("registrations", "deliveries"):
        hooks = {k: v for k, v in before["webhooks"].items() if k != part}
        answer = client.put("/__admin/state", json={**before, "webhooks": hooks})
        assert answer.get_json()["errors"][0]["fields"][0]["field"] == f"webhooks.{part}"
    wrong = client.put("/__admin/state", json={**before, "orders": {}})
    assert wrong.get_json()["errors"][0]["fields"][0]["field"] == "orders"
    bad_key = client.put("/__admin/state", json={**before, "tokens": {"signingKey": "x"}})
    assert bad_key.get_json()["errors"][0]["fields"][0]["field"] == "tokens.signingKey"
    # Nothing changed; an explicitly empty state is still a snapshot, and imports.
    assert _without_stamp(client.get("/__admin/state").get_json()) == _without_stamp(before)
    assert client.get(f"/resellers/v6.1/orders/{number}", headers=headers).status_code == 200
    empty = {**before, "orders": [], "submissions": []}
    assert client.put("/__admin/state", json=empty).get_json()["orders"] == 0


def test_tokens_survive_an_import_both_the_snapshots_and_the_mocks_own() -> None:
    source, target = _fresh_app().test_client(), _fresh_app().test_client()
    theirs, ours = issue_token(source), issue_token(target)
    snapshot = source.get("/__admin/state").get_json()
    assert target.put("/__admin/state", json=snapshot).status_code == 200
    search = "/resellers/v6/orders/search"
    assert target.get(search, headers=order_headers(theirs)).status_code == 204
    assert target.get(search, headers=order_headers(ours)).status_code == 204
    fresh = issue_token(target)  # signed with the snapshot's key from now on
    assert source.get(search, headers=order_headers(fresh)).status_code == 204


def test_the_state_file_is_written_by_rename_and_restored(tmp_path: Path) -> None:
    app = _fresh_app()
    client = app.test_client()
    headers = order_headers(issue_token(client))
    numbers = _populate(client, headers)
    control = app.extensions[EXTENSION_KEY].control
    path = tmp_path / "state.json"
    keeper = StateFile(path, control.export_state, interval=0)
    keeper.stop()  # the shutdown save
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary left behind
    other = _fresh_app()
    StateFile(path, other.extensions[EXTENSION_KEY].control.export_state).restore(
        other.extensions[EXTENSION_KEY].control.state_holders()
    )
    other_client = other.test_client()
    answer = other_client.get(
        f"/resellers/v6.1/orders/{numbers['open']}",
        headers=order_headers(issue_token(other_client)),
    )
    assert answer.status_code == 200
    assert answer.get_json()["orderStatus"] == "Shipped"


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    write_atomically(path, {"kind": "first"})

    class Unserializable:
        pass

    with pytest.raises(TypeError):
        write_atomically(path, {"kind": Unserializable()})
    assert json.loads(path.read_text()) == {"kind": "first"}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


@pytest.mark.live
def test_serve_with_a_state_file_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "mock-state.json"
    server = start_server(["--state-file", str(path), "--state-save-interval", "0.2"])
    try:
        headers = order_headers(server.token())
        created = requests.post(
            f"{server.base_url}/resellers/v6/orders",
            json=new_order(po="keep"),
            headers=headers,
            timeout=5,
        )
        assert created.status_code == 201, created.text
        number = created.json()["orders"][0]["ingramOrderNumber"]
    finally:
        server.process.send_signal(signal.SIGTERM)  # as a container runtime stops it
        output, _ = server.process.communicate(timeout=20)
    assert server.process.returncode == 0, output
    saved = json.loads(path.read_text())
    assert [o["number"] for o in saved["orders"]] == [number]

    again = start_server(["--state-file", str(path)])
    try:
        # The token the client cached before the restart still works (its 24 h are not over).
        answer = requests.get(
            f"{again.base_url}/resellers/v6.1/orders/{number}", headers=headers, timeout=5
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["customerOrderNumber"] == "keep"
    finally:
        again.stop()
