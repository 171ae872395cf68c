"""Asynchronous order intake for v7: confirm now, create (or reject) off the request thread.

The HTTP handler only checks the request against the contract and calls `submit`, which
queues the submission and returns its confirmation number. A worker thread (or `drain`,
in tests) hands each submission to `OrderService.create_async`, the use case that
creates the order as v6 does or reports why not.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

from mock_server.domain.commands import Caller, CreateOrder
from mock_server.domain.numbers import OrderNumberSequence
from mock_server.domain.ports import Clock
from mock_server.domain.service import OrderService

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Submission:
    confirmation_number: str
    caller: Caller
    command: CreateOrder


class OrderIntake:
    def __init__(
        self,
        orders: OrderService,
        clock: Clock,
        numbers: OrderNumberSequence,
        *,
        background: bool = True,
    ) -> None:
        self._orders = orders
        self._clock = clock
        self._numbers = numbers
        self._queue: queue.Queue[Submission] = queue.Queue()
        self._background = background
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, caller: Caller, command: CreateOrder) -> Submission:
        stamp = self._clock.now().strftime("%y%m%d%H%M%S")
        submission = Submission(
            self._numbers.next_confirmation_number(caller.country_code or "US", stamp),
            caller,
            command,
        )
        self._queue.put(submission)
        if self._background:
            self._ensure_thread()
        return submission

    def drain(self) -> int:
        """Process every queued submission in the calling thread; returns how many."""
        processed = 0
        while True:
            try:
                submission = self._queue.get_nowait()
            except queue.Empty:
                return processed
            self._process(submission)
            processed += 1

    def discard(self) -> int:
        """Drop every queued submission (reset); returns how many."""
        dropped = 0
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return dropped
            dropped += 1

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="ingram-mock-v7-intake", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._process(self._queue.get())

    def _process(self, submission: Submission) -> None:
        try:
            self._orders.create_async(
                submission.caller, submission.command, submission.confirmation_number
            )
        except Exception:  # keep the intake alive; the log says what broke
            log.exception("v7 submission %s failed", submission.confirmation_number)
