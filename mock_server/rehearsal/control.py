"""The mock's own use cases, which the real API does not have: move mock time, reset, and
the ticker that settles due orders as mock time passes. `/__admin` calls these."""

from __future__ import annotations

import gc
import logging
import threading
from dataclasses import dataclass, field

from mock_server.domain.ports import StoreUnavailable
from mock_server.domain.service import OrderService
from mock_server.gateway.rate_limits import RateLimiter
from mock_server.gateway.tokens import TokenAuthority
from mock_server.intake.service import OrderIntake
from mock_server.rehearsal.clock import AdjustableClock
from mock_server.rehearsal.journal import RequestJournal
from mock_server.rehearsal.snapshots import StateHolders, export_state, import_state
from mock_server.rehearsal.violations import ViolationLog
from mock_server.store.codec import Plain
from mock_server.webhooks import WebhookDispatcher

log = logging.getLogger(__name__)


@dataclass(slots=True)
class MockControl:
    clock: AdjustableClock
    orders: OrderService
    intake: OrderIntake
    webhooks: WebhookDispatcher
    journal: RequestJournal
    violations: ViolationLog
    limits: RateLimiter | None = None
    tokens: TokenAuthority | None = None  # a snapshot keeps its signing key
    in_maintenance: bool = False  # read on every v6 create: a plain attribute, no lock
    _ticker: threading.Thread | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    def advance(self, seconds: float) -> int:
        """Move mock time forward and settle what came due at once (events fire now, not at
        the next tick); returns how many orders were settled."""
        self.clock.advance(seconds)
        return self.orders.run_due()

    def begin_maintenance(self) -> None:
        """Behave as in a regional maintenance window: v6 create fails with a server error,
        v7 submissions are confirmed and wait until the window ends."""
        self.in_maintenance = True
        self.intake.pause()

    def end_maintenance(self) -> int:
        """The system is back: the waiting v7 submissions are worked (their outcomes go out
        by webhook now); returns how many were waiting."""
        waiting = self.intake.waiting
        self.in_maintenance = False
        self.intake.resume()
        return waiting

    def reset(self) -> None:
        """Empty state: queued v7 submissions, orders, deliveries, journals, rate-limit
        counters, mock-time offset.

        Webhook registrations, issued tokens and a maintenance window survive; order
        numbers are never reused.
        """
        self.intake.discard()
        self.orders.reset()
        if self.limits is not None:
            self.limits.reset()
        if self._ticker is not None:
            gc.unfreeze()  # let the collector reclaim what the old orders held
        self.webhooks.reset()
        self.journal.clear()
        self.violations.clear(keep_report=True)
        self.clock.reset()

    def state_holders(self) -> StateHolders:
        return StateHolders(
            self.orders.store,
            self.orders.numbers,
            self.clock,
            self.intake,
            self.webhooks,
            self.tokens,
        )

    def export_state(self) -> Plain:
        """The whole state as one versioned document (see `mock_server.rehearsal.snapshots`)."""
        return export_state(self.state_holders())

    def import_state(self, document: object) -> int:
        """Replace the state with a snapshot's; raises SnapshotRefused, changing nothing."""
        count = import_state(self.state_holders(), document)
        if self._ticker is not None:
            gc.unfreeze()  # the replaced orders may be collected now
        return count

    def start_ticker(self, interval_seconds: float = 1.0) -> None:
        """Settle due orders on a daemon thread, so events fire as mock time passes."""
        if self._ticker is not None:
            return

        def tick() -> None:
            while not self._stopping.wait(interval_seconds):
                try:
                    self.orders.run_due()
                except StoreUnavailable:
                    pass  # a shared store out of reach: logged there; the next tick retries
                except Exception:  # keep ticking: one bad order must not stop time
                    log.exception("background settle failed")
                # Stored orders live until reset: move them out of the collector's sight, so
                # full collections stop walking every order (they caused the POST p99 tail).
                gc.freeze()

        self._ticker = threading.Thread(target=tick, name="ingram-mock-ticker", daemon=True)
        self._ticker.start()

    def stop_ticker(self) -> None:
        self._stopping.set()
