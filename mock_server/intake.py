"""Asynchronous order intake for v7: confirm now, create (or reject) off the request thread.

The HTTP handler only checks the request against the contract and calls `submit`, which
queues the submission and returns its confirmation number. A worker thread (or `drain`,
in tests) hands each submission to `OrderService.create_async`, the use case that
creates the order as v6 does or reports why not. During a maintenance window the intake
is paused: submissions are confirmed and wait, and are worked when it resumes.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
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
        self._queue: deque[Submission] = deque()
        self._ready = threading.Condition()  # guards the queue and the pause
        self._paused = False
        self._background = background
        self._thread: threading.Thread | None = None

    def submit(self, caller: Caller, command: CreateOrder) -> Submission:
        stamp = self._clock.now().strftime("%y%m%d%H%M%S")
        submission = Submission(
            self._numbers.next_confirmation_number(caller.country_code or "US", stamp),
            caller,
            command,
        )
        with self._ready:
            self._queue.append(submission)
            self._ready.notify()
        if self._background:
            self._ensure_thread()
        return submission

    @property
    def waiting(self) -> int:
        """Submissions confirmed and not yet worked."""
        with self._ready:
            return len(self._queue)

    def pause(self) -> None:
        """Hold every submission from now on (a maintenance window began)."""
        with self._ready:
            self._paused = True

    def resume(self) -> None:
        """Work the held submissions, oldest first, and new ones as they come."""
        with self._ready:
            self._paused = False
            self._ready.notify_all()

    def drain(self) -> int:
        """Process every queued submission in the calling thread; returns how many.
        Nothing while paused."""
        processed = 0
        while (submission := self._next(block=False)) is not None:
            self._process(submission)
            processed += 1
        return processed

    def discard(self) -> int:
        """Drop every queued submission (reset); returns how many."""
        with self._ready:
            dropped = len(self._queue)
            self._queue.clear()
            return dropped

    def _next(self, *, block: bool) -> Submission | None:
        with self._ready:
            while self._paused or not self._queue:
                if not block:
                    return None
                self._ready.wait()
            return self._queue.popleft()

    def _ensure_thread(self) -> None:
        with self._ready:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="ingram-mock-v7-intake", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            submission = self._next(block=True)
            if submission is not None:
                self._process(submission)

    def _process(self, submission: Submission) -> None:
        try:
            self._orders.create_async(
                submission.caller, submission.command, submission.confirmation_number
            )
        except Exception:  # keep the intake alive; the log says what broke
            log.exception("v7 submission %s failed", submission.confirmation_number)
