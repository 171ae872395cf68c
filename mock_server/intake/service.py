"""Asynchronous order intake for v7: confirm now, create (or reject) off the request thread.

The HTTP handler only checks the request against the contract and calls `submit`, which
queues the submission and returns its confirmation number. A worker thread (or `drain`,
in tests) hands each submission to `OrderService.create_async`, the use case that
creates the order as v6 does or reports why not. During a maintenance window the intake
is paused: submissions are confirmed and wait, and are worked when it resumes. Where they
wait is a port (`SubmissionQueue`): this process's memory, or Redis (`queues.py`).
"""

from __future__ import annotations

import logging
import threading
import time

from mock_server.domain.commands import Caller, CreateOrder
from mock_server.domain.errors import NotHonoured
from mock_server.domain.numbers import OrderNumberSequence
from mock_server.domain.ports import Clock, StoreUnavailable
from mock_server.domain.service import OrderService
from mock_server.intake.queues import LocalQueue, Submission, SubmissionQueue

log = logging.getLogger(__name__)


class OrderIntake:
    def __init__(
        self,
        orders: OrderService,
        clock: Clock,
        numbers: OrderNumberSequence,
        *,
        background: bool = True,
        waiting: SubmissionQueue | None = None,
    ) -> None:
        self._orders = orders
        self._clock = clock
        self._numbers = numbers
        self._queue: SubmissionQueue = waiting or LocalQueue()
        self._ready = threading.Condition()  # guards the pause
        self._paused = False
        self._background = background
        self._thread: threading.Thread | None = None

    def submit(
        self, caller: Caller, command: CreateOrder, *, refuse_not_honoured: bool = False
    ) -> Submission:
        """Confirm and queue a v7 submission. What it asks for that its region cannot
        honour is listed on it (the order will ignore that), or refused with NotHonoured
        when `refuse_not_honoured`."""
        ignored = self._orders.not_honoured(caller, command)
        if ignored and refuse_not_honoured:
            raise NotHonoured(ignored)
        stamp = self._clock.now().strftime("%y%m%d%H%M%S")
        submission = Submission(
            self._numbers.next_confirmation_number(caller.country_code or "US", stamp),
            caller,
            command,
            ignored,
        )
        self._queue.put(submission)
        if self._background:
            self._ensure_thread()
        return submission

    @property
    def waiting(self) -> int:
        """Submissions confirmed and not yet worked."""
        return len(self._queue.pending())

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
        return self._queue.clear()

    def pending(self) -> list[Submission]:
        """The submissions still queued, oldest first (a snapshot exports them)."""
        return self._queue.pending()

    def requeue(self, submissions: list[Submission]) -> None:
        """Queue restored submissions, as if they had just been confirmed."""
        for submission in submissions:
            self._queue.put(submission)
        if submissions and self._background:
            self._ensure_thread()

    def start(self) -> None:
        """Start the worker now (a shared queue may hold other processes' submissions)."""
        if self._background:
            self._ensure_thread()

    def _next(self, *, block: bool) -> Submission | None:
        while True:
            with self._ready:
                while self._paused:
                    if not block:
                        return None
                    self._ready.wait()
            submission = self._queue.take(1.0 if block else 0)
            if submission is None:
                if not block:
                    return None
                continue
            with self._ready:
                if not self._paused:
                    return submission
            self._queue.put_back(submission)  # paused while it was being taken

    def _ensure_thread(self) -> None:
        with self._ready:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="ingram-mock-v7-intake", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                submission = self._next(block=True)
            except StoreUnavailable:  # a shared queue out of reach (logged there): wait
                time.sleep(1.0)
                continue
            if submission is not None:
                self._process(submission)

    def _process(self, submission: Submission) -> None:
        try:
            self._orders.create_async(
                submission.caller, submission.command, submission.confirmation_number
            )
        except Exception:  # keep the intake alive; the log says what broke
            log.exception("v7 submission %s failed", submission.confirmation_number)
            return  # a shared queue hands it out again once its claim lapses
        self._queue.done(submission)
