"""Snapshots of the whole mock state: `/__admin/state` and `serve --state-file`.

A snapshot is one versioned JSON document: orders (with everything that happened to them),
the order-number sequence, v7 submissions not yet processed, webhook registrations and
undelivered events, the mock-time offset, and the token-signing key (so a client's cached
token survives a restart from `--state-file`: the document is a credential). Importing
decodes the whole document before changing anything, so a snapshot that does not decode,
or lacks a part it must have, changes nothing: emptying the state is what reset is for.
Files are written to a temporary sibling and renamed over the target: a crash leaves the
old file or the new one, never a torn one.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from mock_server.domain.models import Order
from mock_server.domain.numbers import OrderNumberSequence
from mock_server.domain.ports import OrderStore
from mock_server.gateway.tokens import TokenAuthority
from mock_server.intake.queues import Submission
from mock_server.intake.service import OrderIntake
from mock_server.rehearsal.clock import AdjustableClock
from mock_server.store.codec import (
    CodecError,
    Plain,
    order_from_plain,
    order_to_plain,
    submission_from_plain,
    submission_to_plain,
)
from mock_server.webhooks import Attempt, Delivery, Registration, WebhookDispatcher
from mock_server.webhooks.registry import new_registration_id

log = logging.getLogger(__name__)

KIND = "ingram-mock-state"
VERSION = 1


class SnapshotRefused(ValueError):
    """The document is not a snapshot this mock can import; nothing was changed.

    `part` names the part of the document at fault ("body": the document as a whole)."""

    def __init__(self, message: str, part: str = "body") -> None:
        super().__init__(message)
        self.part = part


@dataclass(slots=True)
class StateHolders:
    """What holds the state a snapshot covers, as wired by bootstrap: what `export_state`
    reads and `import_state` replaces."""

    store: OrderStore
    numbers: OrderNumberSequence
    clock: AdjustableClock
    intake: OrderIntake
    webhooks: WebhookDispatcher
    tokens: TokenAuthority | None = None


@dataclass(slots=True)
class _Decoded:
    orders: list[Order]
    next_number: int
    offset_seconds: float
    submissions: list[Submission]
    registrations: list[Registration]
    deliveries: list[Delivery]
    signing_key: bytes | None  # None: a snapshot saved before keys were kept


# The parts every snapshot has (an empty one as [] or 0), and the JSON type of each. A
# document without one is refused: `{"kind", "version"}` alone must not read as "no orders".
_REQUIRED: tuple[tuple[str, type], ...] = (
    ("clock", dict),
    ("clock.offsetSeconds", float),
    ("sequence", dict),
    ("sequence.next", int),
    ("orders", list),
    ("submissions", list),
    ("webhooks", dict),
    ("webhooks.registrations", list),
    ("webhooks.deliveries", list),
)


def export_state(holders: StateHolders) -> Plain:
    with holders.store.atomically():
        orders = [order_to_plain(order) for order in holders.store]
    document: Plain = {
        "kind": KIND,
        "version": VERSION,
        "savedAt": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "clock": {"offsetSeconds": holders.clock.offset_seconds},
        "sequence": {"next": holders.numbers.counter.peek()},
        "orders": orders,
        "submissions": [
            submission_to_plain(s.confirmation_number, s.caller, s.command)
            for s in holders.intake.pending()
        ],
        "webhooks": {
            # Secrets are kept: a restored registration must sign as the original did.
            "registrations": [
                {"id": r.id, "url": r.url, "secret": r.secret, "customerNumber": r.customer_number}
                for r in holders.webhooks.registrations()
            ],
            "deliveries": [_delivery_to_plain(d) for d in holders.webhooks.undelivered()],
        },
    }
    if holders.tokens is not None:
        key = holders.tokens.signing_key()
        document["tokens"] = {"signingKey": base64.b64encode(key).decode("ascii")}
    return document


def import_state(holders: StateHolders, document: Any) -> int:
    """Replace the state with the snapshot's; returns how many orders it holds.
    Raises SnapshotRefused, changing nothing."""
    decoded = _decode(document)
    holders.intake.discard()
    with holders.store.atomically():
        holders.store.reset()
        for order in decoded.orders:
            holders.store.add(order)
    holders.numbers.counter.skip_to(decoded.next_number)
    holders.clock.set_offset(decoded.offset_seconds)
    holders.webhooks.restore(decoded.registrations, decoded.deliveries)
    holders.intake.requeue(decoded.submissions)
    if holders.tokens is not None and decoded.signing_key is not None:
        holders.tokens.adopt_key(decoded.signing_key)
    return len(decoded.orders)


def check_document(document: Any) -> None:
    """Decode `document` as an import would, changing nothing. Raises SnapshotRefused."""
    _decode(document)


def _decode(document: Any) -> _Decoded:
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise SnapshotRefused(f"not an ingram-mock state snapshot (expected kind {KIND!r})")
    version = document.get("version")
    if version != VERSION:
        raise SnapshotRefused(
            f"snapshot version {version!r} is not supported; this mock reads version {VERSION}"
        )
    _check_parts(document)
    try:
        orders = [order_from_plain(item) for item in document["orders"]]
        numbers = {order.number for order in orders}
        if len(numbers) != len(orders):
            raise SnapshotRefused("the snapshot holds two orders with one number")
        submissions = [
            Submission(*submission_from_plain(item)) for item in document["submissions"]
        ]
        hooks = document["webhooks"]
        registrations = [
            Registration(
                str(r["url"]),
                str(r.get("secret", "")),
                r.get("customerNumber") or None,
                str(r.get("id") or new_registration_id()),
            )
            for r in hooks["registrations"]
        ]
        deliveries = [_delivery_from_plain(d) for d in hooks["deliveries"]]
        return _Decoded(
            orders=orders,
            next_number=int(document["sequence"]["next"]),
            offset_seconds=float(document["clock"]["offsetSeconds"]),
            submissions=submissions,
            registrations=registrations,
            deliveries=deliveries,
            signing_key=_signing_key(document),
        )
    except SnapshotRefused:
        raise
    except (CodecError, AttributeError, KeyError, TypeError, ValueError) as error:
        raise SnapshotRefused(f"the snapshot does not decode: {error}") from error


def _check_parts(document: dict[str, Any]) -> None:
    """Refuse a document that lacks a part every snapshot has, naming the part."""
    for path, kind in _REQUIRED:
        value: Any = document
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        number = kind is float and isinstance(value, int | float)
        if value is None or isinstance(value, bool) or not (number or isinstance(value, kind)):
            what = {dict: "an object", list: "a list", int: "a whole number", float: "a number"}
            shown = "missing" if value is None else f"not {what[kind]}"
            raise SnapshotRefused(
                f"the snapshot's {path!r} is {shown}: every snapshot has it ({what[kind]}; "
                "an empty state has [] and 0). POST /__admin/reset empties the state",
                part=path,
            )


def _signing_key(document: dict[str, Any]) -> bytes | None:
    tokens = document.get("tokens")
    if tokens is None:
        return None  # saved before snapshots kept the key: tokens issued then are lost
    raw = tokens.get("signingKey") if isinstance(tokens, dict) else None
    try:
        key = base64.b64decode(raw, validate=True) if isinstance(raw, str) else b""
    except (binascii.Error, ValueError):
        key = b""
    if len(key) < 16:
        raise SnapshotRefused(
            "the snapshot's 'tokens.signingKey' is not a base64 key of 16 bytes or more",
            part="tokens.signingKey",
        )
    return key


def _delivery_to_plain(delivery: Delivery) -> Plain:
    data = delivery.as_json()
    data["secret"] = delivery.secret
    return data


def _delivery_from_plain(data: Plain) -> Delivery:
    return Delivery(
        id=str(data["id"]),
        event_id=str(data["event_id"]),
        event_type=str(data["event_type"]),
        order_number=str(data.get("order_number", "")),
        customer_number=str(data.get("customer_number", "")),
        url=str(data["url"]),
        state=str(data.get("state", "pending")),
        created_at=str(data.get("created_at", "")),
        body=data["body"],
        attempts=[
            Attempt(str(a["at"]), a.get("status"), str(a.get("error", "")))
            for a in data.get("attempts", [])
        ],
        secret=str(data.get("secret", "")),
    )


# -- files ------------------------------------------------------------------------------


def write_atomically(path: Path, document: Plain) -> None:
    """Write `document` to `path` through a temporary sibling and a rename."""
    path = path.resolve()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(orjson.dumps(document))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_file(path: Path) -> Any | None:
    """The document in `path`, or None when there is no file yet."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise SnapshotRefused(f"{path} is not JSON: {error}") from error


class StateFile:
    """`serve --state-file`: restore at start, save every `interval` seconds and at stop."""

    def __init__(
        self,
        path: Path,
        export: Callable[[], Plain],
        interval: float = 30.0,
    ) -> None:
        self.path = path
        self._export = export
        self._interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def restore(self, holders: StateHolders) -> int:
        document = read_file(self.path)
        if document is None:
            return 0
        count = import_state(holders, document)
        log.warning("restored %d orders from %s", count, self.path)
        return count

    def save(self) -> None:
        with self._lock:  # the ticker and shutdown must not interleave two writes
            write_atomically(self.path, self._export())

    def start(self) -> None:
        if self._interval <= 0 or self._thread is not None:
            return

        def run() -> None:
            while not self._stopping.wait(self._interval):
                try:
                    self.save()
                except Exception:  # keep saving: a full disk now may be free later
                    log.exception("saving the state to %s failed", self.path)

        self._thread = threading.Thread(target=run, name="ingram-mock-state-saver", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the periodic saves and write the state one last time."""
        self._stopping.set()
        self.save()
