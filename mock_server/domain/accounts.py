"""Reseller accounts (fixtures/accounts.json): the bill-to address each customer number
is invoiced at. A customer number the fixture does not name gets its country's default
account, so every order has a bill-to address to show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_server.domain.models import Address

FALLBACK_COUNTRY = "US"


class AccountBook:
    def __init__(self, bill_to: Mapping[str, Address], defaults: Mapping[str, Address]) -> None:
        # One dict per account, shared by all its orders and never changed in place.
        self._bill_to = {k.upper(): dict(v) for k, v in bill_to.items()}
        self._defaults = {k.upper(): dict(v) for k, v in defaults.items()}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> AccountBook:
        accounts = {a["customerNumber"]: a["billToInfo"] for a in data.get("accounts", ())}
        return cls(accounts, data.get("defaults", {}))

    def bill_to(self, customer_number: str, country_code: str) -> Address | None:
        """The customer's bill-to address; its country's default when the fixture does not
        name the customer, the fallback country's when the country has none either."""
        found = self._bill_to.get(customer_number.upper())
        if found is None:
            found = self._defaults.get(country_code.upper())
        if found is None:
            found = self._defaults.get(FALLBACK_COUNTRY)
        return found
