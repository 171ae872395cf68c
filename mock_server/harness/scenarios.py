"""Usable data for the stateful phase: every link of the contract is walked with it.

Random part numbers are never in a catalog, and random filters rarely match the order a
link names, so left alone a scenario stops at its first step: the order is refused, or the
linked read, change or cancel lands on a 404 or 204. The `flatmap_case` hook below shapes the
positive cases of the stateful phase only (stateless fuzzing keeps its random data, and
`refusals_are_documented` judges it):

- an order leaves out what the sandbox refuses in addresses (a blank endUserInfo, a state that
  is not two letters) and asks for no carrier or warehouse (which exist depends on the region);
- a v6 create becomes an order that can be placed (catalog parts and quantities, a PO number
  that may repeat, as it does when a scenario is replayed), on customer hold so that change,
  release and cancel can succeed (orders placed without hold are the fuzzing phase's), and
  half of the time with one line of an unknown part, which the API rejects with EN, so that
  the 207 answer and its links are walked as well as the 201;
- a v7 create becomes an order that can be placed without a quote, with a PO number of ours,
  so that its link to search finds it once the asynchronous creation has run;
- a linked read, change, release, cancel or search addresses the order the link names, in
  its own region: `regionCode` and filters that could exclude it are dropped; a change is a
  note and, half of the time, one added catalog line; a release sends `{}`.

The links carry `IM-CustomerNumber` and `IM-CountryCode` from the request that made the
order (see the contract's `links`), so the customer headers follow the order.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any, TypeAlias

import schemathesis
from hypothesis import strategies as st
from schemathesis import Case, HookContext

from mock_server.harness.checks import CATALOG_PARTS, LINE_QUANTITIES

AnyCase: TypeAlias = "Case[Any]"
UNKNOWN_PART = "ZZNOSUCH01"  # never in a catalog: the API rejects its line with EN
_HOLD_ATTRIBUTE = "allowOrderOnCustomerHold"
_WAREHOUSE_ATTRIBUTE = "shipfromwarehouseid"
_DUPLICATE_ATTRIBUTE = "allowDuplicateCustomerOrderNumber"
# Query parameters a linked call keeps: the ones that cannot hide the linked order.
_KEPT_QUERY = {
    "getOrderDetails": ("simulateStatus",),
    "modifyOrder": ("actionCode",),
    "cancelOrder": (),
    "searchOrders": ("ingramOrderNumber", "customerOrderNumber"),
}
V7_PO_PREFIX = "PO7-"  # v7 allows 18 characters
_RUN = secrets.token_hex(3).upper()  # v7 PO numbers unique to this run
_V7_PO = itertools.count(1)


def _operation_id(case: AnyCase) -> str | None:
    operation_id = case.operation.schema.get_operation_id(case.operation)
    return None if operation_id is None else str(operation_id)


def _lines(body: dict[str, Any]) -> list[dict[str, Any]]:
    lines = [dict(line) for line in body.get("lines") or [] if isinstance(line, dict)] or [{}]
    for index, line in enumerate(lines):
        if line.get("ingramPartNumber") not in CATALOG_PARTS:
            line["ingramPartNumber"] = CATALOG_PARTS[index % len(CATALOG_PARTS)]
        if line.get("quantity") not in LINE_QUANTITIES:
            line["quantity"] = LINE_QUANTITIES[0]
        line.pop("vendorPartNumber", None)
        line.pop("customerPartNumber", None)
    return lines


def _attributes(body: dict[str, Any], hold: bool) -> list[Any]:
    attributes: list[Any] = [
        item
        for item in _without_warehouse(body.get("additionalAttributes"))
        if isinstance(item, dict)
        and item.get("attributeName") not in (_HOLD_ATTRIBUTE, _DUPLICATE_ATTRIBUTE)
    ]
    # Replays of a scenario (shrinking) send the same PO number again.
    attributes.append({"attributeName": _DUPLICATE_ATTRIBUTE, "attributeValue": "true"})
    if hold:
        attributes.append({"attributeName": _HOLD_ATTRIBUTE, "attributeValue": "true"})
    return attributes


def _without_warehouse(items: Any) -> list[Any]:
    return [
        item
        for item in items or []
        if not (
            isinstance(item, dict)
            and str(item.get("attributeName", "")).lower() == _WAREHOUSE_ATTRIBUTE
        )
    ]


def _placeable_addresses(body: dict[str, Any]) -> None:
    """Leave out what the sandbox refuses in addresses: a blank endUserInfo, odd states."""
    end_user = body.get("endUserInfo")
    if isinstance(end_user, dict) and not any(str(v or "").strip() for v in end_user.values()):
        del body["endUserInfo"]
    for name in ("shipToInfo", "endUserInfo", "resellerInfo"):
        address = body.get(name)
        if isinstance(address, dict) and "state" in address:
            state = str(address["state"] or "")
            if not (len(state) == 2 and state.isascii() and state.isalpha()):
                body[name] = {k: v for k, v in address.items() if k != "state"}
    # Which carriers and warehouses exist depends on the region: ask for none.
    shipment = body.get("shipmentDetails")
    if isinstance(shipment, dict) and "carrierCode" in shipment:
        body["shipmentDetails"] = {k: v for k, v in shipment.items() if k != "carrierCode"}
    for line in body.get("lines") or []:
        if isinstance(line, dict) and line.get("additionalAttributes"):
            line["additionalAttributes"] = _without_warehouse(line["additionalAttributes"])


def placeable_v6(case: AnyCase, hold: bool, partial: bool = False) -> AnyCase:
    """`case` with an order body that can be placed; `partial` adds a line rejected with EN."""
    if not isinstance(case.body, dict):
        return case
    body: dict[str, Any] = dict(case.body)
    lines = _lines(body)[:5]
    if partial:
        lines.append({"customerLineNumber": "99", "ingramPartNumber": UNKNOWN_PART, "quantity": 1})
    body["lines"] = lines
    _placeable_addresses(body)
    body["additionalAttributes"] = _attributes(body, hold)
    case.body = body
    return case


def placeable_v7(case: AnyCase) -> AnyCase:
    """`case` with a v7 order that can be placed from its own lines (no quote), with a PO."""
    body: dict[str, Any] = dict(case.body) if isinstance(case.body, dict) else {}
    body.pop("quoteNumber", None)
    body["lines"] = _lines(body)[:5]
    # A PO of our own: the linked search finds the order by it, whatever was generated.
    body["customerOrderNumber"] = f"{V7_PO_PREFIX}{_RUN}-{next(_V7_PO)}"
    _placeable_addresses(body)
    body["additionalAttributes"] = _attributes(body, hold=False)
    case.body = body
    return case


def _change(case: AnyCase, add_line: bool) -> AnyCase:
    """A linked modify: `{}` for a release; otherwise a note and maybe one added line."""
    if case.query and case.query.get("actionCode") == "release":
        case.body = {}
        return case
    body: dict[str, Any] = {"notes": "changed by the contract suite"}
    if add_line:
        body["lines"] = [
            {
                "customerLineNumber": "9",
                "ingramPartNumber": CATALOG_PARTS[0],
                "addUpdateDeleteLine": "ADD",
                "quantity": 1,
            }
        ]
    case.body = body
    return case


def _addressed(case: AnyCase, operation_id: str) -> AnyCase:
    kept = _KEPT_QUERY[operation_id]
    query = {k: v for k, v in (case.query or {}).items() if k in kept}
    if operation_id == "searchOrders":
        # One identity filter: the one the link set (a v7 PO of ours, else the order number);
        # a generated second one would exclude the linked order.
        po = query.get("customerOrderNumber")
        if isinstance(po, str) and po.startswith(V7_PO_PREFIX):
            query = {"customerOrderNumber": po}
        else:
            query.pop("customerOrderNumber", None)
    case.query = query
    return case


@schemathesis.hook
def flatmap_case(context: HookContext, case: AnyCase) -> st.SearchStrategy[AnyCase]:
    """Stateful scenarios run on orders that can be placed and calls that reach them."""
    meta = case.meta
    if (
        meta is None
        or meta.phase.name.value != "stateful"
        or not meta.generation.mode.is_positive
        or case.method.upper() != case.operation.method.upper()
    ):
        return st.just(case)
    operation_id = _operation_id(case)
    if operation_id == "createOrderV6":
        return st.booleans().map(lambda partial: placeable_v6(case, hold=True, partial=partial))
    if operation_id == "createOrderV7":
        return st.just(placeable_v7(case))
    if operation_id in _KEPT_QUERY:
        case = _addressed(case, operation_id)
        if operation_id == "modifyOrder":
            return st.booleans().map(lambda add_line: _change(case, add_line))
    return st.just(case)
