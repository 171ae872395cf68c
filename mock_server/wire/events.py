"""The envelope POSTed to a customer's callback URL for one domain event.

The body is rendered once, when the event is published: a snapshot of the order at that
moment, whatever happens to the order before the delivery succeeds.
"""

from __future__ import annotations

from datetime import datetime

from mock_server.domain.events import CREATION_KINDS, EventKind, OrderEvent
from mock_server.domain.models import Order, OrderLine
from mock_server.domain.status import EVENT_LINE_STATUS
from mock_server.wire.conventions import Json, compact, day, order_link, timestamp
from mock_server.wire.orders import create_response


def event_body(event: OrderEvent, event_id: str) -> Json:
    """The envelope POSTed to the customer's callback URL for one domain event.

    A v7 outcome carries the created order in the shape of the create answer, under a
    single `resource` object (the published v7 "201" payload); every other event is an
    order-status event, with a `resource` list.
    """
    envelope: Json = {
        "topic": "resellers/orders",
        "event": "im::created" if event.kind in CREATION_KINDS else "im::updated",
        "eventTimeStamp": event.at.isoformat(timespec="milliseconds"),
        "eventId": event_id,
    }
    if event.kind in (EventKind.ASYNC_CREATED, EventKind.ASYNC_CREATE_FAILED):
        # The published payload names the event type beside `resource`, its example inside:
        # both carry it, so a receiver written to either finds it.
        envelope["eventType"] = event.kind.value
        envelope["resource"] = _v7_outcome(event)
        return envelope
    resource: Json = {
        "eventType": event.kind.value,
        "customerOrderNumber": event.customer_order_number,
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
    # customerOrderNumber stays even when empty: receivers key on it (v7 may omit a PO).
    envelope["resource"] = [
        {**compact(resource), "customerOrderNumber": event.customer_order_number}
    ]
    return envelope


def _v7_outcome(event: OrderEvent) -> Json:
    """The created order as the create answer shows it, or why it was not created; each
    with the confirmation number of the submission it answers (an extension of ours)."""
    resource: Json = {"eventType": event.kind.value}
    if event.order is not None:
        names = event.warehouse_names or {}
        resource.update(create_response(event.order, event.rejected, event.at, names))
    else:
        resource["errors"] = [
            compact({"field": p.field, "message": p.message, "value": p.value})
            for p in event.problems
        ]
    resource["customerOrderNumber"] = event.customer_order_number
    resource["confirmationNumber"] = event.confirmation_number
    return resource


def _event_line(order: Order, line: OrderLine, at: datetime) -> Json:
    shipped = line.shipped_by(at)
    return compact(
        {
            "LineNumber": line.ingram_line_number,
            "subOrderNumber": line.sub_order_number,
            "lineStatus": EVENT_LINE_STATUS[line.status(order.hold, at)],
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
