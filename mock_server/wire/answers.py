"""The API's answers: use-case results mapped to JSON bodies.

Rendering reads facts off a result (its snapshot of the order, its moment, the names and
dates it carries) and only maps them to field names; it works nothing out and asks
nothing else. Names and types follow our contract (which follows the strict SDK models);
`conventions.py` holds what answers share with webhook bodies, and `orders.py` the created
order, which the v7 outcome webhook carries too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from mock_server.domain.lines import RejectedLine
from mock_server.domain.models import Order, OrderLine, Shipment
from mock_server.domain.search import SearchPage
from mock_server.domain.service import (
    CreateResult,
    LineOutlook,
    ModifyResult,
    OrderDetails,
)
from mock_server.wire import orders as order_json
from mock_server.wire.conventions import (
    Json,
    amount,
    compact,
    day,
    invoice_link,
    order_link,
    timestamp,
    without_empty,
)
from mock_server.wire.orders import DETAIL_ADDRESS, MODIFY_ADDRESS, address, charge

# The fields of a details answer and of its lines that may be absent or empty.
DETAIL_OPTIONAL = (
    "customerOrderNumber", "endCustomerOrderNumber", "notes", "shipToInfo", "endUserInfo",
    "billToInfo",
)  # fmt: skip
DETAIL_LINE_OPTIONAL = (
    "subOrderNumber", "ingramOrderLineNumber", "customerLineNumber", "ingramPartNumber",
    "vendorPartNumber", "vendorName", "partDescription", "specialBidNumber", "backOrderETADate",
    "upcCode", "defaultCarrierName", "estimatedDates", "lineNotes", "shipmentDetails",
)  # fmt: skip


def create_response(result: CreateResult) -> Json:
    return order_json.create_response(
        result.order, result.rejected, result.at, result.warehouse_names
    )


# -- details ----------------------------------------------------------------------------


def order_detail(details: OrderDetails) -> Json:
    order, now, names = details.order, details.at, details.warehouse_names
    totals = order.totals()
    return without_empty(
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
            "shipToInfo": address(order.ship_to, DETAIL_ADDRESS),
            "endUserInfo": address(order.end_user, DETAIL_ADDRESS),
            "billToInfo": address(order.bill_to, DETAIL_ADDRESS),
            "lines": [
                _detail_line(order, line, outlook, now, names)
                for line, outlook in zip(order.lines, details.outlook, strict=True)
            ],
            # A string amount here, a number in the create answer: as each is published.
            "miscellaneousCharges": [charge(c, str(c.amount)) for c in order.charges()],
        },
        DETAIL_OPTIONAL,
    )


def _detail_line(
    order: Order,
    line: OrderLine,
    outlook: LineOutlook,
    now: datetime,
    warehouse_names: Mapping[str, str],
) -> Json:
    expected = outlook.expected
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
        "upcCode": outlook.upc_code,
        "defaultCarrierName": line.planned_carrier[1],
        "estimatedDates": [_estimate(*expected)] if expected else None,
        "lineNotes": line.notes,
        "shipmentDetails": [
            _shipment_detail(s, line, warehouse_names.get(line.warehouse_id, ""), now)
            for s in line.shipped_by(now)
        ]
        or None,
        "links": [order_link(order.number)],
    }
    return without_empty(body, DETAIL_LINE_OPTIONAL)


def _estimate(leaves: datetime, arrives: datetime) -> Json:
    return {
        "ship": {
            "shipDateType": "Single",
            "shipDate": day(leaves),
            "shipSource": "INGRAM",
            "shipDescription": "Expected to leave the warehouse on this day",
        },
        "delivery": {
            "deliveryDateType": "Single",
            "deliveryDate": day(arrives),
            "deliverySource": "INGRAM",
            "deliveryDescription": "Expected delivery day",
        },
    }


def _shipment_detail(s: Shipment, line: OrderLine, location: str, now: datetime) -> Json:
    # The numbers are derived from the shipment's seed on each read: derive each once.
    tracking, invoice, delivered_at = s.tracking_number, s.invoice_number, s.delivered_at
    carrier: Json = {
        "carrierCode": s.carrier_code,
        "carrierName": s.carrier_name,
        "quantity": s.quantity,
        "shippedDate": day(s.shipped_at),
        "estimatedDeliveryDate": day(delivered_at),
        "deliveredDate": day(delivered_at) if s.is_delivered(now) else None,
        "carrierPickupDate": day(s.shipped_at),
        "trackingDetails": [
            compact(
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
    return compact(
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
            "carrierDetails": [compact(carrier)],
        }
    )


# -- search -----------------------------------------------------------------------------


def search_response(page: SearchPage, next_page: str | None, previous_page: str | None) -> Json:
    now = page.at
    return compact(
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
    sub_orders = [
        {
            "subOrderNumber": sub_order.number,
            "subOrderTotal": amount(sub_order.total),
            "subOrderStatus": order.sub_order_status(sub_order, now).value,
            "links": [
                order_link(order.number),
                *(invoice_link(number) for number in sub_order.invoice_numbers(now)),
            ],
        }
        for sub_order in order.sub_orders()
    ]
    return compact(
        {
            "ingramOrderNumber": order.number,
            "ingramOrderDate": timestamp(order.created_at),
            "customerOrderNumber": order.customer_order_number,
            "vendorName": order.lines[0].vendor_name if order.lines else None,
            "endUserCompanyName": (order.end_user or {}).get("companyName"),
            "orderTotal": amount(order.total),
            "orderStatus": order.search_status(now).value,
            "subOrders": sub_orders,
            "links": order_link(order.number),
        }
    )


# -- modify -----------------------------------------------------------------------------


def modify_response(result: ModifyResult) -> Json:
    order, now = result.order, result.at
    totals = order.totals()
    return compact(
        {
            "ingramOrderNumber": order.number,
            "changeDescription": result.change_description,
            "orderModifiedDate": timestamp(now),
            "customerOrderNumber": order.customer_order_number,
            "endCustomerOrderNumber": order.end_customer_order_number,
            "orderTotal": amount(totals.total),
            "notes": order.notes,
            "orderSubTotal": amount(totals.subtotal),
            "freightCharges": amount(order.freight),
            "totalTax": amount(totals.tax),
            "orderStatus": order.status(now).value,
            "billToAddressId": order.bill_to_address_id,
            "shipToInfo": address(order.ship_to, MODIFY_ADDRESS),
            "lines": [_modified_line(line) for line in order.lines],
            "rejectedLineItems": [_modify_rejection(r) for r in result.rejected] or None,
        }
    )


def _modified_line(line: OrderLine) -> Json:
    return compact(
        {
            "subOrderNumber": line.sub_order_number,
            "ingramLineNumber": line.ingram_line_number,
            "customerLineNumber": line.customer_line_number,
            "ingramPartNumber": line.part_number,
            "vendorPartNumber": line.vendor_part_number,
            "quantityOrdered": line.quantity,
            "quantityConfirmed": line.confirmed,
            "quantityBackOrdered": line.backordered,
            "shipmentDetails": {
                "carrierCode": line.planned_carrier[0],
                "carrierName": line.planned_carrier[1],
            },
            "notes": line.notes,
        }
    )


def _modify_rejection(rejected: RejectedLine) -> Json:
    return compact(
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


def v7_confirmation(quote_number: str, confirmation_number: str) -> Json:
    return {
        "quoteNumber": quote_number or None,
        "confirmationNumber": confirmation_number,
        "message": (
            "Order request received and queued for processing; its outcome is sent to "
            "your order-status webhook."
        ),
    }
