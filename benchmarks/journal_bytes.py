"""In-process: what one request journal entry holds in memory, bodies on and off.

Fills a journal of --entries entries through the app (the door, as the front calls it) with
POST create v6 and with GET details, and reports the live bytes the entries hold
(tracemalloc: the journal full, minus the same journal cleared), per entry, next to the
body bytes the journal counts for them. The difference is what `ENTRY_OVERHEAD` in
`mock_server/rehearsal/request_log.py` stands for.

    .venv/bin/python benchmarks/journal_bytes.py [--entries 1000]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from collections.abc import Callable

import orjson
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.config import Settings
from mock_server.rehearsal.journal import ENTRY_OVERHEAD, RequestJournal

CUSTOMER = "20-222222"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    args = parser.parse_args()
    print(f"ENTRY_OVERHEAD counted per entry: {ENTRY_OVERHEAD} B")
    for bodies in (True, False):
        _measure(bodies, args.entries)
    return 0


def _measure(bodies: bool, entries: int) -> None:
    client = create_app(Settings(journal_size=entries, journal_bodies=bodies)).test_client()
    headers = _headers(client)
    serial = iter(range(1, 10**9))

    def create() -> None:
        body = {
            "customerOrderNumber": f"PO-JOURNAL-BYTES-{next(serial)}",
            "lines": [{"customerLineNumber": "1", "ingramPartNumber": "2GZ200", "quantity": 1}],
        }
        # Bytes of exactly their length, as the front hands the door a body: orjson's own
        # keep a 4 KiB buffer, which the test client would pass through as the body.
        data = b"".join((orjson.dumps(body), b""))
        answer = client.post("/resellers/v6/orders", data=data, headers=headers)
        assert answer.status_code == 201, answer.get_data()

    create()
    search = client.get("/resellers/v6/orders/search", headers=headers).get_json()
    number = search["orders"][0]["ingramOrderNumber"]

    def details() -> None:
        answer = client.get(f"/resellers/v6.1/orders/{number}", headers=headers)
        assert answer.status_code == 200

    for name, call in (("POST create v6", create), ("GET details", details)):
        live, counted = _per_entry(client, call, entries)
        label = "on " if bodies else "off"
        print(
            f"bodies {label} {name}: {live:,.0f} B live per entry "
            f"({counted:,.0f} B of bodies counted)"
        )


def _headers(client: FlaskClient) -> dict[str, str]:
    query = "grant_type=client_credentials&client_id=bench&client_secret=pw"
    token = client.get(f"/oauth/oauth20/token?{query}").get_json()["access_token"]
    return {
        "Authorization": f"Bearer {token}",
        "IM-CustomerNumber": CUSTOMER,
        "IM-CountryCode": "US",
        "IM-CorrelationID": "bench-journal-bytes",
        "Content-Type": "application/json",
    }


def _per_entry(client: FlaskClient, call: Callable[[], None], entries: int) -> tuple[float, float]:
    journal: RequestJournal = client.application.extensions["ingram_mock"].journal
    for _ in range(entries):  # warm: the store's and the allocator's growth is not the journal's
        call()
    gc.collect()
    tracemalloc.start()
    journal.clear()
    gc.collect()
    for _ in range(entries):
        call()
    gc.collect()
    kept = journal.entries()
    counted = sum(e.size - ENTRY_OVERHEAD for e in kept) / len(kept)
    del kept
    full = tracemalloc.get_traced_memory()[0]
    journal.clear()
    gc.collect()
    cleared = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    # What clearing the journal gave back is what its entries held (the store grew too).
    return (full - cleared) / entries, counted


if __name__ == "__main__":
    sys.exit(main())
