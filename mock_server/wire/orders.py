"""The created order as JSON: the v6 create answer and the v7 outcome webhook carry the
same shape, so both render it here (`answers.py` for the answer, `events.py` for the event).
Addresses and charge lines, which other answers show too, live here as well. Like all
rendering, it only maps facts the domain states to field names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from mock_server.domain.lines import RejectedLine
from mock_server.domain.models import Address, Charge, Order, OrderLine, Totals
from mock_server.wire.conventions import Json, amount, compact, day, order_link, without_empty

DETAIL_ADDRESS = (
    "contact", "companyName", "addressLine1", "addressLine2", "addressLine3", "city", "state",
    "postalCode", "countryCode", "phoneNumber", "email",
)  # fmt: skip
CREATE_ADDRESS = (
    "addressId", "contact", "companyName", "name1", "name2", "addressLine1", "addressLine2",
    "addressLine3", "addressLine4", "city", "state", "postalCode", "countryCode", "phoneNumber",
    "email",
)  # fmt: skip
CREATE_END_USER = ("endUserId", *CREATE_ADDRESS[1:])
MODIFY_ADDRESS = ("addressId", *DETAIL_ADDRESS)
# The fields of the create answer that may be absent or empty (see `without_empty`).
CREATE_RESPONSE_OPTIONAL = (
    "customerOrderNumber", "endCustomerOrderNumber", "billToAddressId", "specialBidNumber",
    "shipToInfo", "endUserInfo",
)  # fmt: skip
CREATED_ORDER_OPTIONAL = ("notes",)
CREATED_LINE_OPTIONAL = (
    "subOrderNumber", "customerLineNumber", "ingramPartNumber", "vendorPartNumber",
    "specialBidNumber", "notes",
)  # fmt: skip


def address(found: Address | None, keys: Iterable[str]) -> Json | None:
    """The `keys` of an address that it has; None when it has none of them."""
    if not found:
        return None
    picked = {k: found[k] for k in keys if k in found}
    return picked or None


def created_order(
    order: Order,
    rejected: Sequence[RejectedLine],
    now: datetime,
    warehouse_names: Mapping[str, str],
    totals: Totals | None = None,
) -> Json:
    totals = totals or order.totals()
    lines = [_created_line(order, line, now, warehouse_names) for line in order.lines]
    body: Json = {
        "numberOfLinesWithSuccess": len(order.lines),
        "numberOfLinesWithError": len(rejected),
        "numberOfLinesWithWarning": sum(1 for line in order.lines if line.backordered),
        "ingramOrderNumber": order.number,
        "ingramOrderDate": day(order.created_at),
        "notes": order.notes,
        "orderType": "S",
        "orderTotal": amount(totals.total),
        "freightCharges": amount(order.freight),
        "totalTax": amount(totals.tax),
        "currencyCode": order.currency_code,
        "lines": lines,
        "miscellaneousCharges": [charge(c, amount(c.amount)) for c in order.charges()],
        "links": [order_link(order.number)],
    }
    if rejected:
        body["rejectedLineItems"] = [_create_rejection(r) for r in rejected]
    return without_empty(body, CREATED_ORDER_OPTIONAL)


def create_response(
    order: Order,
    rejected: Sequence[RejectedLine],
    now: datetime,
    warehouse_names: Mapping[str, str],
) -> Json:
    """The whole create answer: the order as placed, its split and partial acceptance."""
    totals = order.totals()
    return without_empty(
        {
            "customerOrderNumber": order.customer_order_number,
            "endCustomerOrderNumber": order.end_customer_order_number,
            "billToAddressId": order.bill_to_address_id,
            "specialBidNumber": order.special_bid_number,
            "orderSplit": len(order.sub_order_numbers()) > 1,
            "processedPartially": bool(rejected),
            "purchaseOrderTotal": amount(totals.total),
            "shipToInfo": address(order.ship_to, CREATE_ADDRESS),
            "endUserInfo": address(order.end_user, CREATE_END_USER),
            "orders": [created_order(order, rejected, now, warehouse_names, totals)],
        },
        CREATE_RESPONSE_OPTIONAL,
    )


def _created_line(
    order: Order, line: OrderLine, now: datetime, warehouse_names: Mapping[str, str]
) -> Json:
    carrier_code, carrier_name = line.planned_carrier
    return without_empty(
        {
            "subOrderNumber": line.sub_order_number,
            "ingramLineNumber": line.ingram_line_number,
            "customerLineNumber": line.customer_line_number,
            "lineStatus": line.status(order.hold, now).value,
            "ingramPartNumber": line.part_number,
            "vendorPartNumber": line.vendor_part_number,
            "unitPrice": amount(line.unit_price),
            "extendedUnitPrice": amount(line.extended_price),
            "quantityOrdered": line.quantity,
            "quantityConfirmed": line.confirmed,
            "quantityBackOrdered": line.backordered,
            "specialBidNumber": line.special_bid_number,
            "notes": line.notes,
            "shipmentDetails": [
                compact(
                    {
                        "carrierCode": carrier_code,
                        "carrierName": carrier_name,
                        "shipFromWarehouseId": line.warehouse_id,
                        "shipFromLocation": warehouse_names.get(line.warehouse_id, ""),
                    }
                )
            ],
        },
        CREATED_LINE_OPTIONAL,
    )


def charge(charge: Charge, charge_amount: float | str) -> Json:
    return {
        "subOrderNumber": charge.sub_order_number,
        "chargeLineReference": charge.reference,
        "chargeDescription": charge.description,
        "chargeAmount": charge_amount,
    }


def _create_rejection(rejected: RejectedLine) -> Json:
    return compact(
        {
            "customerLinenumber": rejected.customer_line_number,
            "ingramPartNumber": rejected.part_number,
            "vendorPartNumber": rejected.vendor_part_number,
            "quantityOrdered": rejected.quantity,
            "rejectCode": rejected.code,
            "rejectReason": rejected.reason,
        }
    )
