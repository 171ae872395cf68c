"""Orders rendered as the API's JSON bodies. Plain functions of domain objects and time.

Field names and types follow our contract (which follows the strict SDK models): money
is a JSON number, counts are integers, dates are strings. Empty optional fields are left
out rather than sent as null.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from mock_server.domain.catalog import Catalog
from mock_server.domain.events import EventKind, OrderEvent
from mock_server.domain.models import Address, Order, OrderLine, Shipment, Totals
from mock_server.domain.search import SearchPage
from mock_server.domain.service import CreateResult, ModifyResult, RejectedLine

Json = dict[str, Any]

_DETAIL_ADDRESS = (
    "contact", "companyName", "addressLine1", "addressLine2", "addressLine3", "city", "state",
    "postalCode", "countryCode", "phoneNumber", "email",
)  # fmt: skip
_CREATE_ADDRESS = (
    "addressId", "contact", "companyName", "name1", "name2", "addressLine1", "addressLine2",
    "addressLine3", "addressLine4", "city", "state", "postalCode", "countryCode", "phoneNumber",
    "email",
)  # fmt: skip
_CREATE_END_USER = ("endUserId", *_CREATE_ADDRESS[1:])
_MODIFY_ADDRESS = ("addressId", *_DETAIL_ADDRESS)


def amount(value: Decimal) -> float:
    return float(value)


def timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def day(moment: datetime) -> str:
    return moment.date().isoformat()


def _address(address: Address | None, keys: Iterable[str]) -> Json | None:
    if not address:
        return None
    picked = {k: address[k] for k in keys if k in address}
    return picked or None


def _compact(body: Json) -> Json:
    return {k: v for k, v in body.items() if v is not None and v != ""}


def order_link(order_number: str) -> Json:
    return {"topic": "orders", "href": f"/resellers/v6.1/orders/{order_number}", "type": "GET"}


# -- create -----------------------------------------------------------------------------


def created_order(
    result: CreateResult, now: datetime, catalog: Catalog, totals: Totals | None = None
) -> Json:
    order = result.order
    totals = totals or order.totals()
    lines = [_created_line(order, line, now, catalog) for line in order.lines]
    body: Json = {
        "numberOfLinesWithSuccess": len(order.lines),
        "numberOfLinesWithError": len(result.rejected),
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
        "links": [order_link(order.number)],
    }
    if result.rejected:
        body["rejectedLineItems"] = [_create_rejection(r) for r in result.rejected]
    return _compact(body)


def create_response(result: CreateResult, now: datetime, catalog: Catalog) -> Json:
    order = result.order
    totals = order.totals()
    return _compact(
        {
            "customerOrderNumber": order.customer_order_number,
            "endCustomerOrderNumber": order.end_customer_order_number,
            "billToAddressId": order.bill_to_address_id,
            "specialBidNumber": order.special_bid_number,
            "orderSplit": len(order.sub_order_numbers()) > 1,
            "processedPartially": bool(result.rejected),
            "purchaseOrderTotal": amount(totals.total),
            "shipToInfo": _address(order.ship_to, _CREATE_ADDRESS),
            "endUserInfo": _address(order.end_user, _CREATE_END_USER),
            "orders": [created_order(result, now, catalog, totals)],
        }
    )


def _created_line(order: Order, line: OrderLine, now: datetime, catalog: Catalog) -> Json:
    warehouse = catalog.warehouses.get(line.warehouse_id)
    return _compact(
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
                _compact(
                    {
                        "carrierCode": "UP",
                        "carrierName": "UPS GROUND",
                        "shipFromWarehouseId": line.warehouse_id,
                        "shipFromLocation": warehouse.name if warehouse else "",
                    }
                )
            ],
        }
    )


def _create_rejection(rejected: RejectedLine) -> Json:
    return _compact(
        {
            "customerLinenumber": rejected.customer_line_number,
            "ingramPartNumber": rejected.part_number,
            "vendorPartNumber": rejected.vendor_part_number,
            "quantityOrdered": rejected.quantity,
            "rejectCode": rejected.code,
            "rejectReason": rejected.reason,
        }
    )


# -- details ----------------------------------------------------------------------------


def order_detail(order: Order, now: datetime, catalog: Catalog) -> Json:
    totals = order.totals()
    return _compact(
        {
            "ingramOrderNumber": order.number,
            "ingramOrderDate": timestamp(order.created_at),
            "orderType": "S",
            "customerOrderNumber": order.customer_order_number,
            "endCustomerOrderNumber": order.end_customer_order_number,
            "orderStatus": order.status(now).value,
            "orderTotal": amount(totals.total),
            "orderSubTotal": amount(totals.subtotal),
            "freightCharges": amount(order.freight),
            "currencyCode": order.currency_code,
            "totalWeight": amount(order.total_weight),
            "totalTax": amount(totals.tax),
            "totalFees": 0.0,
            "paymentTerms": "Net 30 days",
            "notes": order.notes,
            "shipToInfo": _address(order.ship_to, _DETAIL_ADDRESS),
            "endUserInfo": _address(order.end_user, _DETAIL_ADDRESS),
            "lines": [_detail_line(order, line, now, catalog) for line in order.lines],
        }
    )


def _detail_line(order: Order, line: OrderLine, now: datetime, catalog: Catalog) -> Json:
    warehouse = catalog.warehouses.get(line.warehouse_id)
    shipped = [s for s in line.shipments if s.shipped_at <= now]
    body: Json = {
        "subOrderNumber": line.sub_order_number,
        "ingramOrderLineNumber": line.ingram_line_number,
        "customerLineNumber": line.customer_line_number,
        "lineStatus": line.status(order.hold, now).value,
        "ingramPartNumber": line.part_number,
        "vendorPartNumber": line.vendor_part_number,
        "vendorName": line.vendor_name,
        "partDescription": line.description,
        "unitWeight": amount(line.unit_weight),
        "weightUom": "LB",
        "unitPrice": amount(line.unit_price),
        "extendedPrice": amount(line.extended_price),
        "taxAmount": amount(order.line_tax(line)),
        "currencyCode": order.currency_code,
        "quantityOrdered": line.quantity,
        "quantityConfirmed": line.confirmed,
        "quantityBackOrdered": line.backordered,
        "specialBidNumber": line.special_bid_number,
        "backOrderETADate": day(line.stock_arrives_at) if line.stock_arrives_at else None,
        "lineNotes": line.notes,
        "shipmentDetails": [
            _shipment_detail(s, line, warehouse.name if warehouse else "", now) for s in shipped
        ]
        or None,
        "links": [order_link(order.number)],
    }
    return _compact(body)


def _shipment_detail(s: Shipment, line: OrderLine, location: str, now: datetime) -> Json:
    # The numbers are derived from the shipment's seed on each read: derive each once.
    tracking, invoice, delivered_at = s.tracking_number, s.invoice_number, s.delivered_at
    carrier: Json = {
        "carrierCode": s.carrier_code,
        "carrierName": s.carrier_name,
        "quantity": s.quantity,
        "shippedDate": day(s.shipped_at),
        "estimatedDeliveryDate": day(delivered_at),
        "deliveredDate": day(delivered_at) if delivered_at <= now else None,
        "carrierPickupDate": day(s.shipped_at),
        "trackingDetails": [
            _compact(
                {
                    "trackingNumber": tracking,
                    "trackingUrl": f"https://tracking.example.invalid/{tracking}",
                    "packageWeight": str(line.unit_weight * s.quantity),
                    "cartonNumber": "1",
                    "quantityInBox": str(s.quantity),
                    "serialNumbers": [{"serialNumber": n} for n in s.serial_numbers] or None,
                }
            )
        ],
    }
    return _compact(
        {
            "quantity": s.quantity,
            "deliveryNumber": s.delivery_number,
            "estimatedShipDate": day(s.shipped_at),
            "shippedDate": day(s.shipped_at),
            "estimatedDeliveryDate": day(delivered_at),
            "shipFromWarehouseId": line.warehouse_id,
            "shipFromLocation": location,
            "invoiceNumber": invoice,
            "invoiceDate": day(s.shipped_at) if invoice else None,
            "carrierDetails": [_compact(carrier)],
        }
    )


# -- search -----------------------------------------------------------------------------


def search_response(
    page: SearchPage, now: datetime, next_page: str | None, previous_page: str | None
) -> Json:
    return _compact(
        {
            "recordsFound": page.records_found,
            "pageSize": page.page_size,
            "pageNumber": page.page_number,
            "orders": [_search_row(order, now) for order in page.orders],
            "nextPage": next_page,
            "previousPage": previous_page,
        }
    )


def _search_row(order: Order, now: datetime) -> Json:
    status = order.status(now).value
    sub_orders = []
    for number in order.sub_order_numbers():
        lines = [line for line in order.lines if line.sub_order_number == number]
        total = sum((line.extended_price for line in lines), Decimal(0))
        sub_orders.append(
            {
                "subOrderNumber": number,
                "subOrderTotal": amount(total),
                "subOrderStatus": status,
                "links": [order_link(order.number)],
            }
        )
    return _compact(
        {
            "ingramOrderNumber": order.number,
            "ingramOrderDate": timestamp(order.created_at),
            "customerOrderNumber": order.customer_order_number,
            "vendorName": order.lines[0].vendor_name if order.lines else None,
            "endUserCompanyName": (order.end_user or {}).get("companyName"),
            "orderTotal": amount(order.total),
            "orderStatus": status,
            "subOrders": sub_orders,
            "links": order_link(order.number),
        }
    )


# -- modify -----------------------------------------------------------------------------


def modify_response(result: ModifyResult, now: datetime) -> Json:
    order = result.order
    totals = order.totals()
    return _compact(
        {
            "ingramOrderNumber": order.number,
            "changeDescription": result.change_description,
            "orderModifiedDate": timestamp(result.modified_at or now),
            "customerOrderNumber": order.customer_order_number,
            "endCustomerOrderNumber": order.end_customer_order_number,
            "orderTotal": amount(totals.total),
            "notes": order.notes,
            "orderSubTotal": amount(totals.subtotal),
            "freightCharges": amount(order.freight),
            "totalTax": amount(totals.tax),
            "orderStatus": order.status(now).value,
            "billToAddressId": order.bill_to_address_id,
            "shipToInfo": _address(order.ship_to, _MODIFY_ADDRESS),
            "lines": [_modified_line(line) for line in order.lines],
            "rejectedLineItems": [_modify_rejection(r) for r in result.rejected] or None,
        }
    )


def _modified_line(line: OrderLine) -> Json:
    return _compact(
        {
            "subOrderNumber": line.sub_order_number,
            "ingramLineNumber": line.ingram_line_number,
            "customerLineNumber": line.customer_line_number,
            "ingramPartNumber": line.part_number,
            "vendorPartNumber": line.vendor_part_number,
            "quantityOrdered": line.quantity,
            "quantityConfirmed": line.confirmed,
            "quantityBackOrdered": line.backordered,
            "shipmentDetails": {"carrierCode": "UP", "carrierName": "UPS GROUND"},
            "notes": line.notes,
        }
    )


def _modify_rejection(rejected: RejectedLine) -> Json:
    return _compact(
        {
            "ingramLineNumber": rejected.ingram_line_number,
            "customerLineNumber": rejected.customer_line_number,
            "ingramPartNumber": rejected.part_number,
            "vendorPartNumber": rejected.vendor_part_number,
            "quantityOrdered": rejected.quantity,
            "rejectCode": rejected.code,
            "rejectReason": rejected.reason,
        }
    )


# -- webhook events ---------------------------------------------------------------------


def order_event(event: OrderEvent, event_id: str) -> Json:
    """The envelope POSTed to the customer's callback URL for one domain event."""
    resource: Json = {
        "eventType": event.kind.value,
        "customerOrderNumber": event.customer_order_number,
        "confirmationNumber": event.confirmation_number or None,
    }
    order = event.order
    if order is not None:
        resource.update(
            {
                "orderNumber": order.number,
                "orderEntryTimeStamp": timestamp(order.created_at),
                "lines": [_event_line(order, line, event.at) for line in order.lines],
                "links": [order_link(order.number)],
            }
        )
    if event.problems:
        resource["errors"] = [
            _compact({"field": p.field, "message": p.message, "value": p.value})
            for p in event.problems
        ]
    created = event.kind in (EventKind.CREATED, EventKind.ASYNC_CREATE_FAILED)
    return {
        "topic": "resellers/orders",
        "event": "im::created" if created else "im::updated",
        "eventTimeStamp": event.at.isoformat(timespec="milliseconds"),
        "eventId": event_id,
        # customerOrderNumber stays even when empty: receivers key on it (v7 may omit a PO).
        "resource": [{**_compact(resource), "customerOrderNumber": event.customer_order_number}],
    }


def _event_line(order: Order, line: OrderLine, at: datetime) -> Json:
    shipped = [s for s in line.shipments if s.shipped_at <= at]
    return _compact(
        {
            "LineNumber": line.ingram_line_number,
            "subOrderNumber": line.sub_order_number,
            "lineStatus": line.status(order.hold, at).value,
            "ingramPartNumber": line.part_number,
            "vendorPartNumber": line.vendor_part_number,
            "requestedQuantity": str(line.quantity),
            "shippedQuantity": str(sum(s.quantity for s in shipped)),
            "backorderedQuantity": str(line.backordered),
            "shipmentDetails": [
                {
                    "shipmentDate": day(s.shipped_at),
                    "shipFromWarehouseId": line.warehouse_id,
                    "carrierCode": s.carrier_code,
                    "carrierName": s.carrier_name,
                    "packageDetails": [
                        {
                            "cartonNumber": "1",
                            "quantityInbox": str(s.quantity),
                            "trackingNumber": s.tracking_number,
                        }
                    ],
                }
                for s in shipped
            ]
            or None,
            "serialNumberDetails": [{"serialNumber": n} for s in shipped for n in s.serial_numbers]
            or None,
        }
    )


def v7_confirmation(quote_number: str, confirmation_number: str) -> Json:
    return {
        "quoteNumber": quote_number or None,
        "confirmationNumber": confirmation_number,
        "message": (
            "Order request received and queued for processing; its outcome is sent to "
            "your order-status webhook."
        ),
    }
