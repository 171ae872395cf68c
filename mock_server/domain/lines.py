"""Order lines: which requested lines are accepted, how a line is built from the catalog
(price, warehouse, sub-order, backorder), and how a modify changes one line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mock_server.domain.catalog import Catalog, Region
from mock_server.domain.commands import LineAction, LineChange, LineRequest
from mock_server.domain.models import Order, OrderLine, ingram_line_number, valid_quantity
from mock_server.domain.numbers import sub_order_number
from mock_server.domain.pricing import unit_price


@dataclass(frozen=True, slots=True)
class RejectedLine:
    """A line the API refused, with the reject code clients key on."""

    code: str  # EN: part not found, EQ: invalid quantity, EL: line not found
    reason: str
    part_number: str
    quantity: int | None
    customer_line_number: str = ""
    ingram_line_number: str = ""
    vendor_part_number: str = ""


class LineBuilder:
    """Lines against one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def accept(
        self, lines: tuple[LineRequest, ...]
    ) -> tuple[list[LineRequest], list[RejectedLine]]:
        accepted: list[LineRequest] = []
        rejected: list[RejectedLine] = []
        for line in lines:
            product = self.catalog.find(line.part_number) if line.part_number else None
            if product is None:
                rejected.append(
                    RejectedLine(
                        "EN",
                        f"SKU-NOTFOUND {line.part_number}",
                        line.part_number,
                        line.quantity,
                        customer_line_number=line.customer_line_number,
                    )
                )
            elif not valid_quantity(line.quantity):
                rejected.append(
                    RejectedLine(
                        "EQ",
                        "ERROR-INVALID-QTY",
                        line.part_number,
                        line.quantity,
                        customer_line_number=line.customer_line_number,
                        vendor_part_number=product.vendor_part_number,
                    )
                )
            else:
                accepted.append(line)
        return accepted, rejected

    def new_line(
        self,
        order: Order,
        region: Region,
        request: LineRequest,
        warehouse_order: list[str] | None = None,
    ) -> OrderLine:
        product = self.catalog.find(request.part_number)
        assert product is not None  # callers accept lines against the catalog first
        warehouse_id, on_hand = self._pick_warehouse(region, product.stock)
        if warehouse_order is None:
            warehouse_order = list(dict.fromkeys(ln.warehouse_id for ln in order.lines))
        if warehouse_id not in warehouse_order:
            warehouse_order.append(warehouse_id)
        line_number = ingram_line_number(order.next_line_number)
        sub_order = sub_order_number(order.number, warehouse_order.index(warehouse_id) + 1)
        # Lines of one sub-order share its number string: less memory per stored order.
        sub_order = next((n for n in order.sub_order_numbers() if n == sub_order), sub_order)
        order.next_line_number += 1
        return OrderLine(
            ingram_line_number=line_number,
            customer_line_number=request.customer_line_number,
            part_number=product.ingram_part_number,
            vendor_part_number=product.vendor_part_number,
            vendor_name=product.vendor_name,
            description=product.description,
            unit_price=unit_price(product, region, request.unit_price),
            quantity=request.quantity,
            backordered=max(0, request.quantity - on_hand),
            warehouse_id=warehouse_id,
            sub_order_number=sub_order,
            unit_weight=product.unit_weight,
            special_bid_number=request.special_bid_number,
            notes=request.notes or product.description,
        )

    @staticmethod
    def _pick_warehouse(region: Region, stock: Mapping[str, int]) -> tuple[str, int]:
        """The region's warehouse with the most units on hand (its first if none has any)."""
        best = max(region.warehouse_ids, key=lambda wid: stock.get(wid, 0))
        return best, stock.get(best, 0)

    def apply_change(
        self, order: Order, region: Region, change: LineChange
    ) -> RejectedLine | None:
        def reject(code: str, reason: str) -> RejectedLine:
            return RejectedLine(
                code,
                reason,
                change.part_number,
                change.quantity,
                customer_line_number=change.customer_line_number,
                ingram_line_number=change.ingram_line_number,
            )

        if change.action is LineAction.ADD:
            if self.catalog.find(change.part_number) is None:
                return reject("EN", f"ERROR-PART-NOT-FOUND {change.part_number}")
            if not valid_quantity(change.quantity):
                return reject("EQ", "ERROR-INVALID-QTY")
            assert change.quantity is not None  # valid_quantity said so
            request = LineRequest(
                customer_line_number=change.customer_line_number or f"{order.next_line_number:03d}",
                part_number=change.part_number,
                quantity=change.quantity,
                notes=change.notes or "",
            )
            order.lines.append(self.new_line(order, region, request))
            return None
        line = order.line(change.ingram_line_number, change.customer_line_number)
        if line is None:
            return reject("EL", "ERROR-LINE-NOT-FOUND")
        if change.action is LineAction.DELETE:
            if len(order.lines) == 1:
                return reject("ED", "ERROR-LAST-LINE: an order keeps at least one line")
            order.lines.remove(line)
            return None
        if change.quantity is not None:
            if not valid_quantity(change.quantity):
                return reject("EQ", "ERROR-INVALID-QTY")
            product = self.catalog.find(line.part_number)
            on_hand = product.stock.get(line.warehouse_id, 0) if product else 0
            line.quantity = change.quantity
            line.backordered = max(0, change.quantity - on_hand)
        if change.notes is not None:
            line.notes = change.notes
        return None
