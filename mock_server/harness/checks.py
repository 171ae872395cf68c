"""Custom schemathesis checks: the Orders API rules that built-in checks cannot know.

Cancelled orders and `use_after_free`: a cancelled order is not deleted. It stays readable
with `orderStatus` "Canceled", and a second DELETE answers 405 because the order is no
longer on hold. The built-in `use_after_free` check, which calls a successful read of a
deleted resource a bug, stays switched on: it only judges GET-style reads whose path lies
under the DELETE's path (a PUT counts as re-creating), and the one read of an order lives
under `/resellers/v6.1/` while cancel lives under `/resellers/v6/`, so it cannot misfire on
our operations, and would still catch a resource that really is deleted yet readable. It
cannot check our rule either, so `cancel_is_final` asserts it: after every 200 DELETE it
reads the order back (200, "Canceled") and cancels again (405), with the same headers and
token as the DELETE, and reports a curl line for the follow-up that broke the rule.

Business refusals and `positive_data_acceptance`: the real API refuses some schema-valid
requests for reasons a schema cannot express, and the published facts name them: a v6
create whose PO number is a duplicate, or whose every line is rejected with a documented
code (EN unknown part, EQ bad quantity; a 400 rather than a 207 here is the mock's reading)
(400), a search whose `-bt`/`_bt` date range starts after it ends (400), a modify of an
order that is not on customer hold (400), a cancel of an order that is not on hold (405), a
token request whose client sent its credentials neither as parameters nor by HTTP Basic (400:
the parameters are optional in the schema because Basic, a header, can stand in for them).
`DOCUMENTED_REFUSALS` adds exactly those statuses to `positive_data_acceptance` for those
operations, and `refusals_are_documented` takes over for them: a refusal of schema-valid
data passes only when the answer shows the documented reason. Any other refusal still fails.

Realistic orders for the stateful phase (catalog parts, hold, addresses the sandbox takes)
live in `mock_server.harness.scenarios`.

`allow_header_conformance` is switched off for modify, cancel and the v6 read only, with the
reason in `NOT_APPLICABLE`; it stays on everywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeAlias
from urllib.parse import urlsplit

import schemathesis
from schemathesis import Case, CheckContext, Response

# operationId -> the status the API uses to refuse schema-valid data for a business rule.
DOCUMENTED_REFUSALS: Mapping[str, int] = {
    "createOrderV6": 400,
    "createOrderV7": 400,  # only a mock in strict mode: a carrier or warehouse not in the region
    "searchOrders": 400,
    "modifyOrder": 400,
    "cancelOrder": 405,
    "getAccessToken": 400,
    "createAccessToken": 400,
}
# operationId -> built-in checks that cannot hold for it, each with the reason.
NOT_APPLICABLE: Mapping[str, Mapping[str, str]] = {
    operation_id: {
        "allow_header_conformance": (
            "the published API describes PUT /resellers/v6/orders/{orderNumber} and DELETE "
            "/resellers/v6/orders/{OrderNumber} as two path entries (the parameter spelled two "
            "ways), and the older GET /resellers/v6/orders/{ordernumber} is a third, so one URL's "
            "Allow header (GET, PUT, DELETE) always lists a method another entry does not "
            "document; we keep the published spellings"
        )
    }
    for operation_id in ("modifyOrder", "cancelOrder", "getOrderDetailsV6")
}
CUSTOM_CHECKS = ("cancel_is_final", "refusals_are_documented")
# Part numbers from Ingram's documentation examples: in the mock's catalog and the sandbox's.
CATALOG_PARTS = ("DF4128", "4U0212", "RQ6000", "2GZ200", "1C6094", "TXSLM3", "YN6231", "4AW708")
LINE_QUANTITIES = (1, 2, 3)
_RANGE_REFUSAL = "starts after it ends"

# Request headers a follow-up call carries over from the call it checks.
_CARRIED_HEADERS = (
    "Authorization",
    "IM-CustomerNumber",
    "IM-CountryCode",
    "IM-CorrelationID",
    "IM-SenderID",
)
_HOLD_REFUSAL = "can not be modified/released"
_LINE_REJECT_CODES = ("EN", "EQ", "EW")
_NO_CLIENT_CREDENTIALS = "Missing required parameter(s): client_"
# Address refusals JSON Schema cannot state: an endUserInfo whose values are all blank, and a
# US or Canadian state that is not two letters (the country may come from IM-CountryCode).
_EMPTY_END_USER = "endUserInfo object cannot be empty"
_STATE_REFUSAL = "two-letter code"
# A carrier or ship-from warehouse the order's region lacks is ignored and recorded; a mock
# in strict mode refuses it. Only the region knows which codes it has.
_UNHONOURED_FIELDS = ("shipmentDetails.carrierCode", "shipFromWarehouseId")
_FOLLOW_UP_TIMEOUT = 30.0
AnyCase: TypeAlias = "Case[Any]"


def _operation_id(case: AnyCase) -> str | None:
    """The operationId, or None for a probe sent with another method (OPTIONS, TRACE, ...)."""
    if case.method.upper() != case.operation.method.upper():
        return None
    operation_id = case.operation.schema.get_operation_id(case.operation)
    return None if operation_id is None else str(operation_id)


def _order_number(case: AnyCase) -> str | None:
    values = list(case.path_parameters.values())
    return str(values[0]) if len(values) == 1 else None


def follow_up_headers(response: Response) -> dict[str, str]:
    """The identity headers of the checked request, for a follow-up call."""
    sent = response.request.headers
    return {name: str(sent[name]) for name in _CARRIED_HEADERS if name in sent}


def _base_url(case: AnyCase, response: Response) -> str | None:
    """Where the checked request went, minus the operation's path; None for an in-process app."""
    if case.operation.app is not None:
        return None
    parts = urlsplit(str(response.request.url))
    prefix = case.path.split("{", 1)[0]
    cut = parts.path.rfind(prefix)
    root = parts.path[:cut] if cut >= 0 else ""
    return f"{parts.scheme}://{parts.netloc}{root}"


def send_follow_up(original: AnyCase, response: Response, follow: AnyCase) -> tuple[Response, str]:
    """Send `follow` where `original` went; returns the answer and a curl line for reports."""
    base_url = _base_url(original, response)
    kwargs: dict[str, Any] = {} if base_url is None else {"timeout": _FOLLOW_UP_TIMEOUT}
    answer = follow.call(base_url=base_url, **kwargs)
    return answer, follow.as_curl_command(base_url=base_url)


def _json(response: Response) -> Any:
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return None


def _read_back(case: AnyCase, response: Response) -> tuple[Response, str]:
    """GET the order that `case` acted on, with the same identity."""
    details = case.operation.schema.find_operation_by_id("getOrderDetails")
    follow = details.Case(
        path_parameters={"ordernumber": _order_number(case)}, headers=follow_up_headers(response)
    )
    return send_follow_up(case, response, follow)


def _is_positive(case: AnyCase) -> bool:
    meta = case.meta
    return meta is not None and meta.generation.mode.is_positive


def _error_texts(body: Any) -> list[tuple[str, str]]:
    """(field, message) pairs from the `errors[].fields[]` of an ErrorResponse body."""
    found: list[tuple[str, str]] = []
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors if isinstance(errors, list) else []:
        if not isinstance(error, dict):
            continue
        fields = error.get("fields")
        for item in fields if isinstance(fields, list) else []:
            if isinstance(item, dict):
                found.append((str(item.get("field", "")), str(item.get("message", ""))))
    return found


@schemathesis.check
def cancel_is_final(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """After a 200 cancel the order reads back as "Canceled" and a second cancel answers 405."""
    if response.status_code != 200 or _operation_id(case) != "cancelOrder":
        return None
    if _order_number(case) is None:
        return None
    details, details_curl = _read_back(case, response)
    status = (_json(details) or {}).get("orderStatus") if details.status_code == 200 else None
    if status != "Canceled":
        raise AssertionError(
            'A cancelled order must stay readable with orderStatus "Canceled"; '
            f"the read-back answered {details.status_code} with orderStatus {status!r}\n\n"
            f"Read back with:\n\n    {details_curl}"
        )
    again = case.operation.Case(
        path_parameters=dict(case.path_parameters),
        headers=follow_up_headers(response),
        query=dict(case.query),
    )
    repeat, repeat_curl = send_follow_up(case, response, again)
    if repeat.status_code != 405:
        raise AssertionError(
            "Cancelling an order that is already cancelled must answer 405 (it is no longer "
            f"on hold); got {repeat.status_code}\n\nCancel again with:\n\n    {repeat_curl}"
        )
    return None


@schemathesis.check
def refusals_are_documented(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """A schema-valid request refused with its DOCUMENTED_REFUSALS status shows the reason."""
    operation_id = _operation_id(case)
    if operation_id is None or DOCUMENTED_REFUSALS.get(operation_id) != response.status_code:
        return None
    if not _is_positive(case):
        return None
    if operation_id == "cancelOrder":
        details, details_curl = _read_back(case, response)
        status = (_json(details) or {}).get("orderStatus") if details.status_code == 200 else None
        if status == "On Hold":
            raise AssertionError(
                "Cancel answered 405 (not on hold) for an order that reads back as On Hold\n\n"
                f"Read back with:\n\n    {details_curl}"
            )
        return None
    if operation_id in ("getAccessToken", "createAccessToken"):
        message = str((_json(response) or {}).get("message", ""))
        if not message.startswith(_NO_CLIENT_CREDENTIALS):
            raise AssertionError(
                "A schema-valid token request may only be refused (400) when the client sent "
                f"its credentials neither as parameters nor by HTTP Basic; it says: {message!r}"
            )
        return None
    problems = _error_texts(_json(response))
    if operation_id == "createOrderV7":
        flat = _error_texts({"errors": [_json(response)]})
        if not flat or not all(field.endswith(_UNHONOURED_FIELDS) for field, _ in flat):
            raise AssertionError(
                "A schema-valid v7 order is refused at once (400) only by a strict mock, for a "
                f"carrier or warehouse its region lacks; the errors say: {flat!r}"
            )
        return None
    if operation_id == "searchOrders":
        # A date range whose start is after its end: JSON Schema cannot say "from <= to".
        if not problems or not all(
            field.endswith(("-bt", "_bt")) and _RANGE_REFUSAL in message
            for field, message in problems
        ):
            raise AssertionError(
                "A schema-valid search may only be refused (400) for a date range that starts "
                f"after it ends; the errors say: {problems!r}"
            )
        return None
    if operation_id == "modifyOrder":
        if not any(_HOLD_REFUSAL in message for _, message in problems) and not all(
            _is_address_refusal(field, message) for field, message in problems
        ):
            raise AssertionError(
                "A schema-valid modify may only be refused (400) because the order is not on "
                f'customer hold ("Order {_HOLD_REFUSAL}...") or for a ship-to state that is '
                f"not two letters; the errors say: {problems!r}"
            )
        return None
    # createOrderV6: a duplicate PO number, every line rejected with a documented code, an
    # address the sandbox refuses, or (strict mock) a carrier or warehouse the region lacks.
    documented = bool(problems) and all(
        field == "customerOrderNumber"
        or (field == "lines" and message.split(":", 1)[0] in _LINE_REJECT_CODES)
        or _is_address_refusal(field, message)
        for field, message in problems
    )
    if not documented:
        raise AssertionError(
            "A schema-valid order may only be refused (400) for a duplicate customerOrderNumber, "
            "because every line was rejected (EN unknown part, EQ bad quantity, EW branch cannot "
            "ship), or for an empty endUserInfo or a US/CA state that is not two letters, with "
            f"the reason in errors[].fields; the errors say: {problems!r}"
        )
    return None


def _is_address_refusal(field: str, message: str) -> bool:
    if field == "endUserInfo":
        return _EMPTY_END_USER in message
    if field.endswith(_UNHONOURED_FIELDS):
        return True
    return field.endswith(".state") and _STATE_REFUSAL in message
