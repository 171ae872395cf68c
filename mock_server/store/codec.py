"""Domain objects to plain JSON-ready dicts and back: what snapshots and the Redis store keep.

The domain stays free of any storage format: this adapter alone knows how an order, its
lines and shipments, or a queued v7 submission look on disk or in Redis. Decimals travel
as strings (no float rounding), instants as ISO-8601 text, a shipment's 160-bit seed as hex.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from mock_server.domain.commands import Caller, CreateOrder, LineRequest
from mock_server.domain.models import Order, OrderLine, Shipment, ingram_line_number
from mock_server.domain.status import HoldState, OrderStatus

Plain = dict[str, Any]


class CodecError(ValueError):
    """A stored document does not describe a valid object."""


def _instant(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_instant(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise CodecError(f"instant without a time zone: {value}")
    return moment


def _required_instant(value: Any) -> datetime:
    moment = _parse_instant(value)
    if moment is None:
        raise CodecError("missing instant")
    return moment


def _pair(value: tuple[str, str] | None) -> list[str] | None:
    return None if value is None else [value[0], value[1]]


def _parse_pair(value: Any) -> tuple[str, str] | None:
    if value is None:
        return None
    code, name = value
    return sys.intern(str(code)), sys.intern(str(name))


def shipment_to_plain(shipment: Shipment) -> Plain:
    return {
        "quantity": shipment.quantity,
        "shipped_at": shipment.shipped_at.isoformat(),
        "in_transit": shipment.in_transit.total_seconds(),
        "seed": f"{shipment.seed:040x}",
        "serial_count": shipment.serial_count,
        "invoice_prefix": shipment.invoice_prefix,
        "carrier": _pair(shipment.carrier),
    }


def shipment_from_plain(data: Plain) -> Shipment:
    return Shipment(
        quantity=int(data["quantity"]),
        shipped_at=_required_instant(data["shipped_at"]),
        in_transit=timedelta(seconds=float(data["in_transit"])),
        seed=int(data["seed"], 16),
        serial_count=int(data.get("serial_count", 0)),
        invoice_prefix=sys.intern(str(data.get("invoice_prefix", ""))),
        carrier=_parse_pair(data.get("carrier")),
    )


def line_to_plain(line: OrderLine) -> Plain:
    return {
        "ingram_line_number": line.ingram_line_number,
        "customer_line_number": line.customer_line_number,
        "part_number": line.part_number,
        "vendor_part_number": line.vendor_part_number,
        "vendor_name": line.vendor_name,
        "description": line.description,
        "unit_price": str(line.unit_price),
        "quantity": line.quantity,
        "backordered": line.backordered,
        "warehouse_id": line.warehouse_id,
        "sub_order_number": line.sub_order_number,
        "unit_weight": str(line.unit_weight),
        "special_bid_number": line.special_bid_number,
        "notes": line.notes,
        "ready_at": _instant(line.ready_at),
        "stock_arrives_at": _instant(line.stock_arrives_at),
        "shipments": [shipment_to_plain(s) for s in line.shipments],
        "carrier": _pair(line.carrier),
    }


def line_from_plain(data: Plain) -> OrderLine:
    number = str(data["ingram_line_number"])
    return OrderLine(
        ingram_line_number=ingram_line_number(int(number)) if number.isdigit() else number,
        customer_line_number=str(data["customer_line_number"]),
        # Interned: catalog strings repeat across every order that names the part.
        part_number=sys.intern(str(data["part_number"])),
        vendor_part_number=sys.intern(str(data["vendor_part_number"])),
        vendor_name=sys.intern(str(data["vendor_name"])),
        description=sys.intern(str(data["description"])),
        unit_price=Decimal(data["unit_price"]),
        quantity=int(data["quantity"]),
        backordered=int(data["backordered"]),
        warehouse_id=sys.intern(str(data["warehouse_id"])),
        sub_order_number=str(data["sub_order_number"]),
        unit_weight=Decimal(data.get("unit_weight", "0")),
        special_bid_number=str(data.get("special_bid_number", "")),
        notes=str(data.get("notes", "")),
        ready_at=_parse_instant(data.get("ready_at")),
        stock_arrives_at=_parse_instant(data.get("stock_arrives_at")),
        shipments=tuple(shipment_from_plain(s) for s in data.get("shipments", ())),
        carrier=_parse_pair(data.get("carrier")),
    )


def order_to_plain(order: Order) -> Plain:
    return {
        "number": order.number,
        "customer_number": order.customer_number,
        "country_code": order.country_code,
        "region_code": order.region_code,
        "currency_code": order.currency_code,
        "created_at": order.created_at.isoformat(),
        "customer_order_number": order.customer_order_number,
        "hold": order.hold.value,
        "lines": [line_to_plain(line) for line in order.lines],
        "freight": str(order.freight),
        "tax_rate": str(order.tax_rate),
        "end_customer_order_number": order.end_customer_order_number,
        "bill_to_address_id": order.bill_to_address_id,
        "special_bid_number": order.special_bid_number,
        "notes": order.notes,
        "ship_to": order.ship_to,
        "end_user": order.end_user,
        "reseller": order.reseller,
        "bill_to": order.bill_to,
        "released_at": _instant(order.released_at),
        "modified_at": _instant(order.modified_at),
        "next_line_number": order.next_line_number,
        "delivery_announced": order.delivery_announced,
        "next_due": _instant(order.next_due),
        "settled_status": None if order.settled_status is None else order.settled_status.value,
    }


def _address(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise CodecError("an address must be an object")
    return {str(k): str(v) for k, v in value.items()}


def order_from_plain(data: Plain) -> Order:
    """An order from its plain form. Raises CodecError (or KeyError/ValueError, wrapped)."""
    try:
        status = data.get("settled_status")
        return Order(
            number=str(data["number"]).upper(),
            customer_number=sys.intern(str(data["customer_number"])),
            country_code=sys.intern(str(data["country_code"])),
            region_code=sys.intern(str(data["region_code"])),
            currency_code=sys.intern(str(data["currency_code"])),
            created_at=_required_instant(data["created_at"]),
            customer_order_number=str(data["customer_order_number"]),
            hold=HoldState(data["hold"]),
            lines=[line_from_plain(line) for line in data["lines"]],
            freight=Decimal(data["freight"]),
            tax_rate=Decimal(data["tax_rate"]),
            end_customer_order_number=str(data.get("end_customer_order_number", "")),
            bill_to_address_id=str(data.get("bill_to_address_id", "")),
            special_bid_number=str(data.get("special_bid_number", "")),
            notes=str(data.get("notes", "")),
            ship_to=_address(data.get("ship_to")),
            end_user=_address(data.get("end_user")),
            reseller=_address(data.get("reseller")),
            bill_to=_address(data.get("bill_to")),
            released_at=_parse_instant(data.get("released_at")),
            modified_at=_parse_instant(data.get("modified_at")),
            next_line_number=int(data.get("next_line_number", 1)),
            delivery_announced=bool(data.get("delivery_announced", False)),
            next_due=_parse_instant(data.get("next_due")),
            settled_status=None if status is None else OrderStatus(status),
        )
    except CodecError:
        raise
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise CodecError(f"order {data.get('number', '?')}: {error!r}") from error


def submission_to_plain(confirmation_number: str, caller: Caller, command: CreateOrder) -> Plain:
    return {
        "confirmation_number": confirmation_number,
        "caller": {"customer_number": caller.customer_number, "country_code": caller.country_code},
        "command": {
            "customer_order_number": command.customer_order_number,
            "lines": [
                {
                    "customer_line_number": line.customer_line_number,
                    "part_number": line.part_number,
                    "quantity": line.quantity,
                    "special_bid_number": line.special_bid_number,
                    "notes": line.notes,
                    "unit_price": None if line.unit_price is None else str(line.unit_price),
                    "vendor_part_number": line.vendor_part_number,
                    "customer_part_number": line.customer_part_number,
                    "warehouse_id": line.warehouse_id,
                    "carrier": _pair(line.carrier),
                }
                for line in command.lines
            ],
            "end_customer_order_number": command.end_customer_order_number,
            "bill_to_address_id": command.bill_to_address_id,
            "special_bid_number": command.special_bid_number,
            "notes": command.notes,
            "ship_to": command.ship_to,
            "end_user": command.end_user,
            "reseller": command.reseller,
            "attributes": dict(command.attributes),
            "quote_number": command.quote_number,
            "carrier_code": command.carrier_code,
        },
    }


def submission_from_plain(data: Plain) -> tuple[str, Caller, CreateOrder]:
    """(confirmation number, caller, command). Raises CodecError."""
    try:
        who = data["caller"]
        body = data["command"]
        lines = tuple(
            LineRequest(
                customer_line_number=str(line["customer_line_number"]),
                part_number=str(line["part_number"]),
                quantity=int(line["quantity"]),
                special_bid_number=str(line.get("special_bid_number", "")),
                notes=str(line.get("notes", "")),
                unit_price=None if line.get("unit_price") is None else Decimal(line["unit_price"]),
                vendor_part_number=str(line.get("vendor_part_number", "")),
                customer_part_number=str(line.get("customer_part_number", "")),
                warehouse_id=str(line.get("warehouse_id", "")),
                carrier=_parse_pair(line.get("carrier")),
            )
            for line in body["lines"]
        )
        command = CreateOrder(
            customer_order_number=str(body["customer_order_number"]),
            lines=lines,
            end_customer_order_number=str(body.get("end_customer_order_number", "")),
            bill_to_address_id=str(body.get("bill_to_address_id", "")),
            special_bid_number=str(body.get("special_bid_number", "")),
            notes=str(body.get("notes", "")),
            ship_to=_address(body.get("ship_to")),
            end_user=_address(body.get("end_user")),
            reseller=_address(body.get("reseller")),
            attributes={str(k): str(v) for k, v in dict(body.get("attributes", {})).items()},
            quote_number=str(body.get("quote_number", "")),
            carrier_code=str(body.get("carrier_code", "")),
        )
        caller = Caller(str(who["customer_number"]), str(who["country_code"]))
        return str(data["confirmation_number"]), caller, command
    except CodecError:
        raise
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise CodecError(f"v7 submission: {error!r}") from error
