"""Who receives which customer's events: one default registration and any per customer."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Registration:
    url: str
    secret: str
    customer_number: str | None = None  # None: the default for every customer


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

    def for_customer(self, customer_number: str) -> Registration | None:
        """The customer's own registration, else the default, else None (nobody listens)."""
        with self._lock:
            return self._registrations.get(customer_number) or self._registrations.get(None)
