"""Products, warehouses and sandbox regions: the reference data orders are priced from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mock_server.domain.errors import FieldProblem, ValidationFailed
from mock_server.domain.models import CARRIERS


@dataclass(frozen=True, slots=True)
class Warehouse:
    id: str
    name: str
    country_code: str


@dataclass(frozen=True, slots=True)
class Product:
    ingram_part_number: str
    vendor_part_number: str
    vendor_name: str
    vendor_number: str
    description: str
    unit_price: Decimal
    upc_code: str
    unit_weight: Decimal
    weight_uom: str
    product_type: str
    stock: Mapping[str, int]  # warehouse id -> units on hand (a standing level, never consumed)
    # The warehouses (branches) allowed to ship it; None: every one. Elsewhere the line is
    # refused with reject code EW.
    ships_from: frozenset[str] | None = None

    def ships_from_warehouse(self, warehouse_id: str) -> bool:
        return self.ships_from is None or warehouse_id in self.ships_from


@dataclass(frozen=True, slots=True)
class Region:
    """A sandbox region: what `regionCode` selects (README documents the table)."""

    code: str
    name: str
    country_code: str
    currency_code: str
    order_prefix: str
    warehouse_ids: tuple[str, ...]
    tax_rate: Decimal
    fx_rate: Decimal
    carriers: Mapping[str, str] = field(default_factory=lambda: dict(CARRIERS))  # code -> name

    def carrier(self, code: str) -> tuple[str, str] | None:
        """(code, name) of a carrier that serves this region, or None."""
        key = code.strip().upper()
        name = self.carriers.get(key)
        return None if name is None else (key, name)


class Catalog:
    """Products by part number (case-insensitive) and warehouses by id.

    A product can also be found by its vendor part number, or by a customer's own part
    number (`customer_parts`: customer number, or "*" for every customer -> part -> Ingram
    part number).
    """

    def __init__(
        self,
        products: Iterable[Product],
        warehouses: Iterable[Warehouse],
        customer_parts: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self._products = {p.ingram_part_number.upper(): p for p in products}
        self._by_vendor_part: dict[str, Product] = {}
        for product in self._products.values():
            if product.vendor_part_number:
                self._by_vendor_part.setdefault(product.vendor_part_number.upper(), product)
        self._customer_parts = {
            customer: {cpn.strip().upper(): part for cpn, part in parts.items()}
            for customer, parts in (customer_parts or {}).items()
        }
        self.warehouses = {w.id: w for w in warehouses}
        self.warehouse_names = {w.id: w.name for w in self.warehouses.values()}

    def find(self, part_number: str) -> Product | None:
        return self._products.get(part_number.strip().upper())

    def find_by_vendor_part(self, vendor_part_number: str) -> Product | None:
        return self._by_vendor_part.get(vendor_part_number.strip().upper())

    def find_by_customer_part(self, customer_number: str, part_number: str) -> Product | None:
        """A customer's own part number, from its mapping (then the one for every customer)."""
        key = part_number.strip().upper()
        for scope in (customer_number, "*"):
            ingram = self._customer_parts.get(scope, {}).get(key)
            if ingram is not None:
                return self.find(ingram)
        return None

    def __len__(self) -> int:
        return len(self._products)

    def part_numbers(self) -> list[str]:
        return list(self._products)

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any], customer_parts: Mapping[str, Any] | None = None
    ) -> Catalog:
        warehouses = [
            Warehouse(id=wid, name=w["name"], country_code=w.get("countryCode", ""))
            for wid, w in data["warehouses"].items()
        ]
        products = [
            Product(
                ingram_part_number=p["ingramPartNumber"],
                vendor_part_number=p.get("vendorPartNumber", ""),
                vendor_name=p.get("vendorName", ""),
                vendor_number=p.get("vendorNumber", ""),
                description=p.get("description", ""),
                unit_price=Decimal(str(p["unitPrice"])),
                upc_code=p.get("upcCode", ""),
                unit_weight=Decimal(str(p.get("unitWeight") or 0)),
                weight_uom=p.get("weightUom") or "",
                product_type=p.get("productType", "P"),
                stock=dict(p.get("stock", {})),
                ships_from=frozenset(p["shipsFrom"]) if p.get("shipsFrom") else None,
            )
            for p in data["products"]
        ]
        return cls(products, warehouses, (customer_parts or {}).get("customers", {}))


class RegionTable:
    """The documented sandbox regions; an unknown code is a validation failure."""

    def __init__(self, regions: Iterable[Region], default_code: str) -> None:
        self._by_code = {r.code: r for r in regions}
        self.default = self._by_code[default_code]
        self._by_country: dict[str, Region] = {}
        for region in self._by_code.values():
            self._by_country.setdefault(region.country_code.upper(), region)

    def get(self, code: str) -> Region:
        region = self._by_code.get(code.strip().upper())
        if region is None:
            raise ValidationFailed(
                [FieldProblem("regionCode", f"Unknown region code; known: {self.codes()}", code)]
            )
        return region

    def for_country(self, country_code: str) -> Region:
        """The region an order placed from this country lands in (default otherwise)."""
        return self._by_country.get(country_code.upper(), self.default)

    def codes(self) -> list[str]:
        return list(self._by_code)

    def all(self) -> list[Region]:
        return list(self._by_code.values())

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RegionTable:
        regions = [
            Region(
                code=r["code"],
                name=r["name"],
                country_code=r["countryCode"],
                currency_code=r["currencyCode"],
                order_prefix=r["orderPrefix"],
                warehouse_ids=tuple(r["warehouses"]),
                tax_rate=Decimal(str(r["taxRate"])),
                fx_rate=Decimal(str(r["fxRate"])),
                carriers={code.upper(): name for code, name in r["carriers"].items()}
                if r.get("carriers")
                else dict(CARRIERS),
            )
            for r in data["regions"]
        ]
        return cls(regions, data["default"])
