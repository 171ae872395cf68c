"""The envelope POSTed to a customer's callback URL for one domain event.

The body is rendered once, when the event is published: a snapshot of the order at that
moment, whatever happens to the order before the delivery succeeds.
"""

from __future__ import annotations

from datetime import datetime

from mock_server.domain.events import EventKind, OrderEvent
from mock_server.domain.models import Order, OrderLine
from mock_server.wire import Json, compact, day, order_link, timestamp


def event_body(event: OrderEvent, event_id: str) -> Json:
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
            compact({"field": p.field, "message": p.message, "value": p.value})
            for p in event.problems
        ]
    created = event.kind in (EventKind.CREATED, EventKind.ASYNC_CREATE_FAILED)
    return {
        "topic": "resellers/orders",
        "event": "im::created" if created else "im::updated",
        "eventTimeStamp": event.at.isoformat(timespec="milliseconds"),
        "eventId": event_id,
        # customerOrderNumber stays even when empty: receivers key on it (v7 may omit a PO).
        "resource": [{**compact(resource), "customerOrderNumber": event.customer_order_number}],
    }


def _event_line(order: Order, line: OrderLine, at: datetime) -> Json:
    shipped = line.shipped_by(at)
    return compact(
        {
            "LineNumber": line.ingram_line_number,
            "subOrderNumber": line.sub_order_number,
            "lineStatus": line.status(order.hold, at).value,
            "ingramPartNumber": line.part_number,
            "vendorPartNumber": line.vendor_part_number,
            "requestedQuantity": str(line.quantity),
            "shippedQuantity": str(line.shipped_quantity_by(at)),
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
