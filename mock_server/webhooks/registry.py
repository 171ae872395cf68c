"""Who receives which customer's events: one default registration and any per customer.

Each registration has an id, so a tool that added one can remove that one and nothing
else (`DELETE /__admin/webhooks/{id}`). Registering for a customer that already has a
receiver replaces it, under a new id.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field


def new_registration_id() -> str:
    return f"wh-{secrets.token_hex(6)}"


@dataclass(frozen=True, slots=True)
class Registration:
    url: str
    secret: str
    customer_number: str | None = None  # None: the default for every customer
    id: str = field(default_factory=new_registration_id)


class Registry:
    """Registrations keyed by customer number (None: the default). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._registrations: dict[str | None, Registration] = {}

    def register(self, url: str, secret: str, customer_number: str | None = None) -> Registration:
        registration = Registration(url, secret, customer_number or None)
        with self._lock:
            self._registrations[registration.customer_number] = registration
        return registration

    def all(self) -> list[Registration]:
        with self._lock:
            return list(self._registrations.values())

    def replace(self, registrations: list[Registration]) -> None:
        with self._lock:
            self._registrations = {r.customer_number: r for r in registrations}

    def clear(self) -> None:
        with self._lock:
            self._registrations.clear()

    def remove(self, registration_id: str) -> bool:
        """Remove the registration with this id; False when there is none (any more)."""
        with self._lock:
            for customer, registration in self._registrations.items():
                if registration.id == registration_id:
                    del self._registrations[customer]
                    return True
        return False

    def for_customer(self, customer_number: str) -> Registration | None:
        """The customer's own registration, else the default, else None (nobody listens)."""
        with self._lock:
            return self._registrations.get(customer_number) or self._registrations.get(None)
