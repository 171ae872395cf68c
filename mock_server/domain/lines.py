"""Order lines: which requested lines are accepted, how a line is built from the catalog
(price, warehouse, carrier, sub-order, backorder), and how a modify changes one line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

from mock_server.domain.catalog import Catalog, Product, Region
from mock_server.domain.commands import CreateOrder, LineAction, LineChange, LineRequest
from mock_server.domain.errors import FieldProblem
from mock_server.domain.models import Order, OrderLine, ingram_line_number, valid_quantity
from mock_server.domain.numbers import sub_order_number
from mock_server.domain.pricing import unit_price


@dataclass(frozen=True, slots=True)
class RejectedLine:
    """A line the API refused, with the reject code clients key on."""

    code: str  # EN: part not found, EQ: invalid quantity, EW: branch cannot ship, EL: no line
    reason: str
    part_number: str
    quantity: int | None
    customer_line_number: str = ""
    ingram_line_number: str = ""
    vendor_part_number: str = ""


class ShippingRequests(NamedTuple):
    """A create's lines with the ship-from warehouse and carrier each will get, and what the
    order asked for that its region cannot honour (a warehouse or carrier it does not
    have): that is ignored, and the caller may be told."""

    lines: tuple[LineRequest, ...]
    ignored: list[FieldProblem]


def shipping_requests(command: CreateOrder, region: Region) -> ShippingRequests:
    """What `command` asks of shipping, resolved against `region` (see ShippingRequests)."""
    asks = command.carrier_code or command.warehouse_id
    if not asks and not any(line.warehouse_id for line in command.lines):
        return ShippingRequests(command.lines, [])  # the usual order asks for neither
    ignored: list[FieldProblem] = []
    order_wide = command.warehouse_id
    if order_wide and order_wide not in region.warehouse_ids:
        field = "additionalAttributes.shipFromWarehouseId"
        ignored.append(_not_in_region(field, order_wide, region))
        order_wide = ""
    carrier = region.carrier(command.carrier_code) if command.carrier_code.strip() else None
    if command.carrier_code.strip() and carrier is None:
        ignored.append(
            FieldProblem(
                "shipmentDetails.carrierCode",
                f"Carrier not offered in region {region.code} (known: "
                f"{', '.join(region.carriers)}); the default carrier is used",
                command.carrier_code,
            )
        )
    lines = []
    for i, line in enumerate(command.lines):
        own = line.warehouse_id
        if own and own not in region.warehouse_ids:
            field = f"lines[{i}].additionalAttributes.shipFromWarehouseId"
            ignored.append(_not_in_region(field, own, region))
            own = ""
        lines.append(replace(line, warehouse_id=own or order_wide, carrier=carrier))
    return ShippingRequests(tuple(lines), ignored)


def _not_in_region(field: str, warehouse_id: str, region: Region) -> FieldProblem:
    return FieldProblem(
        field,
        f"Warehouse not in region {region.code} (its warehouses: "
        f"{', '.join(region.warehouse_ids)}); the mock picks one",
        warehouse_id,
    )


def split_of(order: Order) -> dict[str, str]:
    """Warehouse -> sub-order number, as the order's lines stand."""
    return {line.warehouse_id: line.sub_order_number for line in reversed(order.lines)}


class LineBuilder:
    """Lines against one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def find(self, line: LineRequest, customer_number: str) -> Product | None:
        """The product a line names: by Ingram part, else vendor part, else the customer's
        own part number."""
        if line.part_number:
            return self.catalog.find(line.part_number)
        if line.vendor_part_number:
            return self.catalog.find_by_vendor_part(line.vendor_part_number)
        if line.customer_part_number:
            return self.catalog.find_by_customer_part(customer_number, line.customer_part_number)
        return None

    def accept(
        self, lines: tuple[LineRequest, ...], region: Region, customer_number: str = ""
    ) -> tuple[list[LineRequest], list[RejectedLine]]:
        """The lines that can be placed (each naming its Ingram part number from now on), and
        the refused ones: EN unknown part, EQ bad quantity, EW no branch can ship it."""
        accepted: list[LineRequest] = []
        rejected: list[RejectedLine] = []
        for line in lines:
            product = self.find(line, customer_number)
            if product is None:
                code, reason = "EN", f"SKU-NOTFOUND {line.named_part}"
            elif not valid_quantity(line.quantity):
                code, reason = "EQ", "ERROR-INVALID-QTY"
            elif not self._shippable(product, region, line.warehouse_id):
                code, reason = "EW", f"BR-CANT-SHIP {product.ingram_part_number}"
            else:
                if line.part_number != product.ingram_part_number:  # named another way
                    line = replace(line, part_number=product.ingram_part_number)
                accepted.append(line)
                continue
            rejected.append(
                RejectedLine(
                    code,
                    reason,
                    product.ingram_part_number if product else line.named_part,
                    line.quantity,
                    customer_line_number=line.customer_line_number,
                    vendor_part_number=product.vendor_part_number
                    if product
                    else line.vendor_part_number,
                )
            )
        return accepted, rejected

    @staticmethod
    def _shippable(product: Product, region: Region, warehouse_id: str) -> bool:
        """The requested branch can ship the product, or (none requested) one of the region's."""
        if warehouse_id:
            return product.ships_from_warehouse(warehouse_id)
        return any(product.ships_from_warehouse(w) for w in region.warehouse_ids)

    def new_line(
        self,
        order: Order,
        region: Region,
        request: LineRequest,
        sub_orders: dict[str, str] | None = None,
    ) -> OrderLine:
        """A new line of `order`. `sub_orders` (warehouse -> sub-order number) is the order's
        split so far; a caller adding many lines passes one dict for all of them, which keeps
        a create linear in its line count."""
        product = self.catalog.find(request.part_number)
        assert product is not None  # callers accept lines against the catalog first
        if request.warehouse_id:
            warehouse_id = request.warehouse_id
            on_hand = product.stock.get(warehouse_id, 0)
        else:
            warehouse_id, on_hand = self._pick_warehouse(region, product)
        if sub_orders is None:
            sub_orders = split_of(order)
        sub_order = sub_orders.get(warehouse_id)
        if sub_order is None:
            # The next split suffix no sub-order holds yet (deleted lines may leave gaps).
            taken = set(sub_orders.values())
            index = len(sub_orders) + 1
            while sub_order_number(order.number, index) in taken:
                index += 1
            # One string per sub-order, shared by its lines: less memory per stored order.
            sub_order = sub_orders[warehouse_id] = sub_order_number(order.number, index)
        line_number = ingram_line_number(order.next_line_number)
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
            carrier=request.carrier,
        )

    @staticmethod
    def _pick_warehouse(region: Region, product: Product) -> tuple[str, int]:
        """The region's warehouse, among those allowed to ship the product, with the most
        units on hand (the first of them if none has any)."""
        stock: Mapping[str, int] = product.stock
        best, most = "", -1
        for warehouse_id in region.warehouse_ids:  # a loop: this runs for every new line
            on_hand = stock.get(warehouse_id, 0)
            if on_hand > most and product.ships_from_warehouse(warehouse_id):
                best, most = warehouse_id, on_hand
        if not best:  # no warehouse of the region may ship it: the best stocked of them all
            best = max(region.warehouse_ids, key=lambda wid: stock.get(wid, 0))
            most = stock.get(best, 0)
        return best, most

    def apply_change(
        self,
        order: Order,
        region: Region,
        change: LineChange,
        sub_orders: dict[str, str] | None = None,
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
            product = self.catalog.find(change.part_number)
            if product is not None and not self._shippable(product, region, ""):
                return reject("EW", f"BR-CANT-SHIP {product.ingram_part_number}")
            assert change.quantity is not None  # valid_quantity said so
            request = LineRequest(
                customer_line_number=change.customer_line_number or f"{order.next_line_number:03d}",
                part_number=change.part_number,
                quantity=change.quantity,
                notes=change.notes or "",
                # An added line goes with the carrier the order asked for.
                carrier=order.lines[0].carrier if order.lines else None,
            )
            order.lines.append(self.new_line(order, region, request, sub_orders))
            return None
        line = order.line(change.ingram_line_number, change.customer_line_number)
        if line is None:
            return reject("EL", "ERROR-LINE-NOT-FOUND")
        if change.action is LineAction.DELETE:
            if len(order.lines) == 1:
                return reject("ED", "ERROR-LAST-LINE: an order keeps at least one line")
            order.lines.remove(line)
            if sub_orders is not None:  # the split may have lost a sub-order
                sub_orders.clear()
                sub_orders.update(split_of(order))
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
