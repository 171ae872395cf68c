"""Products, warehouses and sandbox regions: the reference data orders are priced from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mock_server.domain.errors import FieldProblem, ValidationFailed


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


class Catalog:
    """Products by part number (case-insensitive) and warehouses by id."""

    def __init__(self, products: Iterable[Product], warehouses: Iterable[Warehouse]) -> None:
        self._products = {p.ingram_part_number.upper(): p for p in products}
        self.warehouses = {w.id: w for w in warehouses}

    def find(self, part_number: str) -> Product | None:
        return self._products.get(part_number.strip().upper())

    def __len__(self) -> int:
        return len(self._products)

    def part_numbers(self) -> list[str]:
        return list(self._products)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Catalog:
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
            )
            for p in data["products"]
        ]
        return cls(products, warehouses)


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
            )
            for r in data["regions"]
        ]
        return cls(regions, data["default"])
