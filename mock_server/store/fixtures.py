"""Reading the reference data in `fixtures/`: the server's only file I/O besides the contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mock_server.domain.accounts import AccountBook
from mock_server.domain.catalog import Catalog, RegionTable


def _read(directory: Path, name: str) -> Any:
    return json.loads((directory / name).read_text(encoding="utf-8"))


def load_catalog(directory: Path) -> Catalog:
    """The catalog, with the customers' own part numbers when the directory has them."""
    parts = directory / "customer_parts.json"
    customer_parts = _read(directory, parts.name) if parts.is_file() else None
    return Catalog.from_data(_read(directory, "catalog.json"), customer_parts)


def load_regions(directory: Path) -> RegionTable:
    return RegionTable.from_data(_read(directory, "regions.json"))


def load_accounts(directory: Path) -> AccountBook:
    """The bill-to accounts; none (and no billToInfo in answers) without accounts.json."""
    if not (directory / "accounts.json").is_file():
        return AccountBook({}, {})
    return AccountBook.from_data(_read(directory, "accounts.json"))


def load_quotes(directory: Path) -> list[dict[str, Any]]:
    quotes: list[dict[str, Any]] = _read(directory, "quotes.json")["quotes"]
    return quotes
