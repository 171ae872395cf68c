"""Every link of the contract, walked once on purpose before the random stateful phase.

Schemathesis's stateful phase draws its sequences at random, so which links it walks with
usable data varies with the server's state (an order it cancelled first cannot be changed
next). This walk makes the coverage certain: for each link it makes a fresh source answer
(an order on customer hold for create 201, one with a line of an unknown part for 207, a v7
order, a details read, a change), evaluates the link's runtime expressions on it exactly as
written in the contract (order number, `IM-CustomerNumber`, `IM-CountryCode`, a literal
`actionCode`, a request body), sends the target call and holds its answer to the contract
(`exchange.ContractView`). A link is walked when the target answered 2xx (not 204) in a
documented shape; otherwise the walk is a failure of the run. v7 links wait for the
asynchronous creation (by webhook when the server offers the mock's admin API, else by
polling search).
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib import error as urlerror
from urllib import request as urlrequest
from urllib.parse import quote, urlencode

from mock_server.contract.refs import pointer, resolve
from mock_server.harness.checks import CATALOG_PARTS
from mock_server.harness.exchange import ContractView
from mock_server.harness.scenarios import UNKNOWN_PART, V7_PO_PREFIX

_HOLD = {"attributeName": "allowOrderOnCustomerHold", "attributeValue": "true"}
# PO numbers unique to this run, so that runs against one long-lived server never collide.
_RUN = secrets.token_hex(3).upper()
_SEQUENCE = itertools.count(1)
_ASYNC_WAIT = 10.0


@dataclass
class Sent:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 0
    answer: Any = None
    problems: list[str] = field(default_factory=list)


@dataclass
class LinkResult:
    link: str
    status: int | None
    problems: list[str]

    @property
    def walked(self) -> bool:
        return (
            self.status is not None
            and 200 <= self.status < 300
            and self.status != 204
            and (not self.problems)
        )


class Walker:
    def __init__(
        self,
        base_url: str,
        token: str,
        customer: str,
        country: str,
        wait_for_order: Callable[[str], str | None] | None = None,
    ) -> None:
        self.base_url = base_url
        self.token = token
        self.customer = customer
        self.country = country
        self.view = ContractView()
        self.document = self.view.document
        self.wait_for_order = wait_for_order
        self.hop: LinkResult | None = None  # v7 -> (outcome webhook) -> details
        self.results: list[LinkResult] = []

    def send(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: Any = None,
    ) -> Sent:
        sent = Sent(
            method,
            path,
            dict(query),
            {
                "Authorization": f"Bearer {self.token}",
                "IM-CorrelationID": f"link-walk-{next(_SEQUENCE)}",
                "Content-Type": "application/json",
                **headers,
            },
            body,
        )
        url = self.base_url + quote(path) + ("?" + urlencode(query) if query else "")
        data = None if body is None else json.dumps(body).encode()
        req = urlrequest.Request(url, data=data, method=method, headers=sent.headers)
        raw, answer_headers = b"", {}
        try:
            with urlrequest.urlopen(req, timeout=30) as answer:
                sent.status, raw = answer.status, answer.read()
                answer_headers = dict(answer.headers.items())
        except urlerror.HTTPError as failed:
            sent.status, raw = failed.code, failed.read()
            answer_headers = dict(failed.headers.items())
        except (urlerror.URLError, OSError) as failed:
            sent.problems.append(f"no answer: {failed}")
            return sent
        try:
            sent.answer = json.loads(raw) if raw else None
        except ValueError:
            sent.answer = None
        sent.problems += [
            f"{f.field}: {f.message}"
            for f in self.view.response_findings(method, path, sent.status, answer_headers, raw)
        ]
        return sent

    def identity(self) -> dict[str, str]:
        return {"IM-CustomerNumber": self.customer, "IM-CountryCode": self.country}

    def order(self, partial: bool = False) -> Sent:
        lines = [{"customerLineNumber": "1", "ingramPartNumber": CATALOG_PARTS[3], "quantity": 1}]
        if partial:
            lines.append(
                {"customerLineNumber": "2", "ingramPartNumber": UNKNOWN_PART, "quantity": 1}
            )
        body = {
            "customerOrderNumber": f"PO-LW-{_RUN}-{next(_SEQUENCE)}",
            "lines": lines,
            "additionalAttributes": [_HOLD],
        }
        return self.send("POST", "/resellers/v6/orders", {}, self.identity(), body)

    def source(self, operation_id: str, status: str) -> Sent:
        """A fresh answer of `operation_id` with `status`, to follow a link from."""
        if operation_id == "createOrderV6":
            return self.order(partial=status == "207")
        if operation_id == "createOrderV7":
            po = f"{V7_PO_PREFIX}{_RUN}-{next(_SEQUENCE)}"
            body = {
                "customerOrderNumber": po,
                "lines": [
                    {"customerLineNumber": "1", "ingramPartNumber": CATALOG_PARTS[3], "quantity": 1}
                ],
            }
            sent = self.send("POST", "/resellers/v7/orders", {}, self.identity(), body)
            confirmation = (sent.answer or {}).get("confirmationNumber")
            if self.wait_for_order is not None and isinstance(confirmation, str):
                self._read_outcome(self.wait_for_order(confirmation))
            else:
                self._poll_search(po)
            return sent
        order = self.order()
        number = ((order.answer or {}).get("orders") or [{}])[0].get("ingramOrderNumber", "")
        if operation_id == "getOrderDetails":
            return self.send("GET", f"/resellers/v6.1/orders/{number}", {}, self.identity())
        return self.send(
            "PUT",
            f"/resellers/v6/orders/{number}",
            {},
            self.identity(),
            {"notes": "changed by the link walk"},
        )

    def _read_outcome(self, number: str | None) -> None:
        from mock_server.harness.webhook_hop import HOP

        if number is None:
            self.hop = LinkResult(HOP, None, ["no outcome webhook naming an order arrived"])
            return
        read = self.send("GET", f"/resellers/v6.1/orders/{number}", {}, self.identity())
        problems = read.problems + ([] if read.status == 200 else [f"answered {read.status}"])
        self.hop = LinkResult(HOP, read.status, problems)

    def _poll_search(self, po: str) -> None:
        deadline = time.monotonic() + _ASYNC_WAIT
        while time.monotonic() < deadline:
            found = self.send(
                "GET", "/resellers/v6/orders/search", {"customerOrderNumber": po}, self.identity()
            )
            if found.status == 200:
                return
            time.sleep(0.2)

    def evaluate(self, expression: Any, sent: Sent) -> Any:
        if not isinstance(expression, str) or not expression.startswith("$"):
            return expression
        if expression.startswith("$response.body#"):
            return pointer(sent.answer, expression[len("$response.body") :])
        if expression.startswith("$request.body#"):
            return pointer(sent.body, expression[len("$request.body") :])
        if expression.startswith("$request.header."):
            name = expression[len("$request.header.") :].lower()
            return next((v for k, v in sent.headers.items() if k.lower() == name), None)
        return None

    def follow(self, name: str, link: Mapping[str, Any], sent: Sent) -> Sent:
        target = self.view.operation(str(link["operationId"]))
        template = next(t for _, _, t, op in self.view.routes if op is target)
        method = next(m for m, _, _, op in self.view.routes if op is target)
        path, query, headers = template, {}, {}
        for key, expression in (link.get("parameters") or {}).items():
            where, _, param = key.partition(".")
            value = self.evaluate(expression, sent)
            if where == "path":
                path = path.replace("{" + param + "}", str(value))
            elif where == "query":
                query[param] = str(value)
            elif where == "header":
                headers[param] = str(value)
        body = link.get("requestBody")
        if body is None and method == "PUT":
            body = {"notes": "changed through a link"}
        return self.send(method, path, query, headers, self.evaluate(body, sent))

    def walk(self) -> list[LinkResult]:
        results: list[LinkResult] = []
        for path, item in (self.document.get("paths") or {}).items():
            for method, operation in item.items():
                if not isinstance(operation, Mapping) or "operationId" not in operation:
                    continue
                for status, answer in (operation.get("responses") or {}).items():
                    answer = resolve(self.document, answer) or {}
                    for name, link in (answer.get("links") or {}).items():
                        link = resolve(self.document, link) or {}
                        try:
                            result = self._one(method, path, operation, status, name, link)
                        except (LookupError, TypeError, AttributeError, ValueError) as error:
                            # An answer of an unexpected shape: the link cannot be followed.
                            label = f"{method.upper()} {path} -> [{status}] {name}"
                            result = LinkResult(label, None, [f"cannot follow: {error!r}"])
                        results.append(result)
        return results

    def _one(
        self,
        method: str,
        path: str,
        operation: Mapping[str, Any],
        status: str,
        name: str,
        link: Mapping[str, Any],
    ) -> LinkResult:
        target = self.view.operation(str(link["operationId"]))
        target_label = next(f"{m} {t}" for m, _, t, op in self.view.routes if op is target)
        label = f"{method.upper()} {path} -> [{status}] {name} -> {target_label}"
        source = self.source(str(operation["operationId"]), status)
        if str(source.status) != status:
            return LinkResult(
                label,
                None,
                [
                    f"could not make a {status} source answer: got {source.status}",
                    *source.problems,
                ],
            )
        done = self.follow(name, link, source)
        problems = list(done.problems)
        if done.status >= 300 or done.status == 204:
            problems.append(f"the target answered {done.status}: {json.dumps(done.answer)[:300]}")
        return LinkResult(label, done.status, problems)
