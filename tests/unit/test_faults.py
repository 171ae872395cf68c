"""The fault book and the faulty webhook sender, without HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_server.http.messages import Break
from mock_server.rehearsal.faults import (
    API_KINDS,
    CONNECTION_KINDS,
    WEBHOOK,
    FaultBook,
    FaultySender,
    InvalidRule,
    parse_rule,
    rules_from_file,
)


class RecordingSender:
    def __init__(self, status: int = 200) -> None:
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []
        self.status = status

    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        self.sent.append((url, body, headers))
        return self.status


HOOK = "http://127.0.0.1:9/hook"
OTHER_HOOK = "http://127.0.0.1:9/other"
HEADERS = {"x-hub-signature": "sig"}


def faulty(*rules: dict[str, object]) -> tuple[FaultySender, RecordingSender, list[float]]:
    book = FaultBook()
    book.add_all(rules)
    inner = RecordingSender()
    sleeps: list[float] = []
    return FaultySender(inner, book, sleep=sleeps.append), inner, sleeps


def test_without_rules_the_sender_is_passed_through() -> None:
    sender, inner, sleeps = faulty()
    assert sender.send(HOOK, b"{}", HEADERS, 1.0) == 200
    assert len(inner.sent) == 1 and sleeps == []


def test_a_status_rule_makes_the_receiver_look_failing_without_sending() -> None:
    sender, inner, _ = faulty({"operationId": WEBHOOK, "status": 503, "times": 2})
    assert [sender.send(HOOK, b"{}", HEADERS, 1.0) for _ in range(3)] == [503, 503, 200]
    assert len(inner.sent) == 1


def test_a_delay_rule_makes_the_delivery_late_but_delivers_it() -> None:
    sender, inner, sleeps = faulty({"operationId": WEBHOOK, "delayMs": 2500})
    assert sender.send(HOOK, b"{}", HEADERS, 1.0) == 200
    assert sleeps == [2.5] and len(inner.sent) == 1


def test_duplicate_sends_the_same_event_twice() -> None:
    sender, inner, _ = faulty({"operationId": WEBHOOK, "kind": "duplicate", "times": 1})
    sender.send(HOOK, b'{"eventId": "E1"}', HEADERS, 1.0)
    assert len(inner.sent) == 2 and inner.sent[0] == inner.sent[1]
    sender.send(HOOK, b'{"eventId": "E2"}', HEADERS, 1.0)
    assert len(inner.sent) == 3


def test_reset_breaks_the_attempt_like_a_dead_connection() -> None:
    sender, inner, _ = faulty({"operationId": WEBHOOK, "kind": "reset"})
    with pytest.raises(ConnectionResetError):
        sender.send(HOOK, b"{}", HEADERS, 1.0)
    assert inner.sent == []


def test_url_narrows_a_webhook_rule_to_one_receiver() -> None:
    sender, inner, _ = faulty({"operationId": WEBHOOK, "status": 500, "url": OTHER_HOOK})
    assert sender.send(HOOK, b"{}", HEADERS, 1.0) == 200
    assert sender.send(OTHER_HOOK, b"{}", HEADERS, 1.0) == 500
    assert [url for url, _, _ in inner.sent] == [HOOK]


def test_star_rules_leave_webhooks_alone() -> None:
    sender, inner, _ = faulty({"operationId": "*", "status": 500})
    assert sender.send(HOOK, b"{}", HEADERS, 1.0) == 200
    assert len(inner.sent) == 1


def test_spent_rules_stay_listed_with_their_count() -> None:
    book = FaultBook()
    rule = book.add({"operationId": "searchOrders", "status": 503, "times": 1})
    assert book.decide("searchOrders") is not None
    assert book.decide("searchOrders") is None
    [listed] = book.rules()
    assert listed.id == rule.id and listed.fired == 1 and listed.exhausted
    assert book.active  # still listed: the hook keeps asking (cheaply) until removed


def test_remove_and_clear_turn_the_hot_path_off() -> None:
    book = FaultBook()
    first = book.add({"operationId": "*", "status": 503})
    assert book.active
    assert book.remove(first.id) and not book.active
    assert not book.remove(first.id)
    book.add({"operationId": "*", "status": 503})
    book.clear()
    assert not book.active and book.rules() == []


def test_rules_file_accepts_a_list_or_an_object(tmp_path: Path) -> None:
    as_list = tmp_path / "a.json"
    as_list.write_text(json.dumps([{"operationId": "*", "status": 503}]))
    as_object = tmp_path / "b.json"
    as_object.write_text(json.dumps({"rules": [{"operationId": "*", "status": 503}]}))
    assert rules_from_file(as_list) == rules_from_file(as_object)
    wrong = tmp_path / "c.json"
    wrong.write_text(json.dumps({"rule": []}))
    with pytest.raises(InvalidRule):
        rules_from_file(wrong)


# -- connection kinds ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["reset", "emptyResponse", "malformedResponse", "truncatedBody"])
def test_each_connection_kind_is_kept_with_a_delay_and_after_commit(kind: str) -> None:
    rule = FaultBook().add(
        {"operationId": "createOrderV6", "kind": kind, "delayMs": 300, "afterCommit": True}
    )
    assert (rule.kind, rule.delay_seconds, rule.after_commit) == (kind, 0.3, True)
    assert rule.as_json()["kind"] == kind


def test_every_connection_kind_names_a_way_to_break_a_connection() -> None:
    """The door turns a rule's kind into the front's instruction by value (`Break(kind)`)."""
    assert {Break(kind) for kind in CONNECTION_KINDS} == set(Break) - {Break.NONE}
    assert set(CONNECTION_KINDS) < set(API_KINDS)


def test_an_unknown_kind_is_refused_with_the_kinds_listed() -> None:
    with pytest.raises(InvalidRule) as refused:
        parse_rule({"operationId": "*", "kind": "truncated"}, "f1")
    assert refused.value.field == "kind"
    for kind in ("reset", "emptyResponse", "malformedResponse", "truncatedBody", "timeout"):
        assert kind in refused.value.message
    with pytest.raises(InvalidRule) as refused:
        parse_rule({"operationId": "*", "kind": "malformedResponse", "status": 502}, "f1")
    assert refused.value.field == "status"
    assert refused.value.message == "a malformedResponse rule takes no status"
    with pytest.raises(InvalidRule) as refused:
        parse_rule({"operationId": WEBHOOK, "kind": "emptyResponse"}, "f1")
    assert refused.value.field == "kind" and "emptyResponse" not in refused.value.message
