"""Ready-to-order quotes (fixtures/quotes.json): the source of quote-to-order lines and prices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.commands import Caller, LineRequest
from mock_server.domain.errors import FieldProblem, ValidationFailed


@dataclass(frozen=True, slots=True)
class QuoteLine:
    line_number: str
    part_number: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class Quote:
    number: str
    status: str
    customer_number: str | None  # None: any customer may order it
    expires_on: date
    lines: tuple[QuoteLine, ...]

    def line_requests(self) -> tuple[LineRequest, ...]:
        return tuple(
            LineRequest(
                customer_line_number=line.line_number,
                part_number=line.part_number,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for line in self.lines
        )


class QuoteBook:
    def __init__(self, quotes: Iterable[Quote]) -> None:
        self._quotes = {q.number.upper(): q for q in quotes}

    def orderable(self, number: str, caller: Caller, now: datetime) -> Quote:
        """The quote, if this caller may order it now. Raises ValidationFailed saying why not."""
        quote = self._quotes.get(number.strip().upper())
        if quote is None or quote.customer_number not in (None, caller.customer_number):
            raise _refused(number, "Quote not found")
        if quote.status != "READY" or quote.expires_on < now.date():
            raise _refused(number, f"Quote expired on {quote.expires_on.isoformat()}")
        return quote

    @classmethod
    def from_data(cls, quotes: Iterable[Mapping[str, Any]]) -> QuoteBook:
        return cls(
            Quote(
                number=q["quoteNumber"],
                status=q["status"],
                customer_number=q.get("customerNumber"),
                expires_on=date.fromisoformat(q["expiryDate"]),
                lines=tuple(
                    QuoteLine(
                        line_number=str(line.get("quoteLineNumber", f"{i:03d}")),
                        part_number=line["ingramPartNumber"],
                        quantity=int(line["quantity"]),
                        unit_price=Decimal(str(line["unitPrice"])),
                    )
                    for i, line in enumerate(q["lines"], start=1)
                ),
            )
            for q in quotes
        )


def _refused(number: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem("quoteNumber", message, number)], message)
