"""`WebhookDispatcher`: the event sink the domain publishes to, in front of the webhook parts.

`publish` renders the event at once (a snapshot of the order at that moment) and queues it;
each receiver's worker POSTs its events in order with `x-hub-signature`, retrying with
exponential backoff for a bounded number of attempts. Every attempt is kept in the
delivery log; a delivery that runs out of attempts stays as a dead letter until it is
re-sent or the mock is reset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.domain.events import OrderEvent
from mock_server.webhooks.outbox import (
    DEAD,
    PENDING,
    Delivery,
    Outbox,
    new_delivery_id,
    new_event_id,
    now_text,
)
from mock_server.webhooks.registry import Registration, Registry
from mock_server.webhooks.senders import HttpSender, Sender
from mock_server.webhooks.worker import DeliveryWorkers, RetryPolicy
from mock_server.wire.events import event_body

# (sender, policy) -> the registry, outbox and workers kept outside this process.
WebhookBackend = Callable[[Sender, RetryPolicy], tuple[Registry, Outbox, DeliveryWorkers]]


class WebhookDispatcher:
    """Event sink + registrations + delivery log + worker, each kept by its own part."""

    def __init__(
        self,
        render: Callable[[OrderEvent, str], dict[str, Any]] = event_body,
        *,
        sender: Sender | None = None,
        policy: RetryPolicy | None = None,
        history: int = 1000,
        max_dead_letters: int = 10_000,
        backend: WebhookBackend | None = None,
    ) -> None:
        self._render = render
        sender = sender or HttpSender()
        policy = policy or RetryPolicy()
        if backend is None:
            self._registry = Registry()
            self._outbox = Outbox(history, max_dead_letters)
            self._workers = DeliveryWorkers(self._outbox, sender, policy)
        else:  # one registry and outbox for every process (Redis)
            self._registry, self._outbox, self._workers = backend(sender, policy)

    @property
    def policy(self) -> RetryPolicy:
        return self._workers.policy

    # -- registrations ------------------------------------------------------------------

    def register(self, url: str, secret: str, customer_number: str | None = None) -> Registration:
        return self._registry.register(url, secret, customer_number)

    def registrations(self) -> list[Registration]:
        return self._registry.all()

    def clear_registrations(self) -> None:
        self._registry.clear()

    def remove_registration(self, registration_id: str) -> bool:
        """Remove one registration by its id; False when there is no such registration."""
        return self._registry.remove(registration_id)

    # -- the sink -----------------------------------------------------------------------

    def publish(self, event: OrderEvent) -> None:
        registration = self._registry.for_customer(event.customer_number)
        if registration is None:
            return  # nobody listens: nothing to keep
        event_id = new_event_id()
        delivery = Delivery(
            id=new_delivery_id(),
            event_id=event_id,
            event_type=event.kind.value,
            order_number=event.order.number if event.order else "",
            customer_number=event.customer_number,
            url=registration.url,
            state=PENDING,
            created_at=now_text(),
            body=self._render(event, event_id),
            secret=registration.secret,
        )
        self._outbox.add(delivery)
        self._workers.submit(delivery)

    # -- delivery log -------------------------------------------------------------------

    def deliveries(self) -> list[Delivery]:
        return self._outbox.deliveries()

    def redeliver(self, delivery_id: str) -> Delivery | None:
        """Send a dead letter again (a fresh round of attempts). None if no such dead letter."""
        delivery = self._outbox.revive(delivery_id)
        if delivery is not None:
            self._workers.submit(delivery)
        return delivery

    def undelivered(self) -> list[Delivery]:
        """Pending deliveries and dead letters (what a snapshot keeps)."""
        return self._outbox.undelivered()

    def restore(self, registrations: list[Registration], deliveries: list[Delivery]) -> None:
        """Replace registrations and undelivered events with a snapshot's; pending ones
        are sent again (their attempts so far are kept)."""
        self.reset()
        self._registry.replace(registrations)
        for delivery in deliveries:
            if delivery.state == DEAD:
                self._outbox.keep_dead(delivery)
            else:
                self._outbox.add(delivery)
                self._workers.submit(delivery)

    def start(self) -> None:
        """Start delivering now: a shared outbox may hold other processes' events."""
        self._workers.start()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is pending or in flight (tests and shutdown). Bounded."""
        return self._outbox.wait_idle(timeout)

    def reset(self) -> None:
        self._workers.clear()
        self._outbox.reset()
