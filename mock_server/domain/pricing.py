"""Prices, freight and tax: how an order's money adds up."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from mock_server.domain.catalog import Product, Region
from mock_server.domain.models import OrderLine, money, weight_of

FREIGHT_BASE = Decimal("4.95")
FREIGHT_PER_WEIGHT_UNIT = Decimal("0.35")


def unit_price(product: Product, region: Region, quoted: Decimal | None = None) -> Decimal:
    """Catalog (or quoted) prices are in USD; a region converts them at its sandbox rate."""
    base = product.unit_price if quoted is None else quoted
    return _converted(base, region.fx_rate)


@lru_cache(maxsize=4096)
def _converted(base: Decimal, fx_rate: Decimal) -> Decimal:
    # Decimals are immutable: lines of the same part and region share one price object.
    return money(base * fx_rate)


def freight(lines: Iterable[OrderLine], fx_rate: Decimal = Decimal(1)) -> Decimal:
    """A base charge plus a charge by weight, in the region's currency; licences and other
    digital goods ship free."""
    return _freight_charge(weight_of(lines), fx_rate)


@lru_cache(maxsize=4096)
def _freight_charge(weight: Decimal, fx_rate: Decimal) -> Decimal:
    # Few distinct weights recur across orders: they share one charge object.
    if weight <= 0:
        return Decimal("0.00")
    return money((FREIGHT_BASE + FREIGHT_PER_WEIGHT_UNIT * weight) * fx_rate)
