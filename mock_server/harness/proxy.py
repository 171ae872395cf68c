"""`ingram-mock proxy`: a validating proxy between a client and an upstream (sandbox or mock).

Every call is forwarded as it came (the token included) with the standard library's HTTP
client, and its answer returned as it came. On the way, the request is held to the contract
(what the client must send: a client finding) and the answer too (what the server must
answer: a server finding), by `exchange.ContractView`. Findings are listed by
`GET /__admin/violations` on the proxy, summed up at exit, written as JUnit XML with
`--junit-xml`, and fail the exit code with `--fail-on-violations`.

Secrets never leave the process: the Authorization header, tokens and client secrets are
redacted from findings and recordings alike, and nothing is written to disk unless
`--record DIR` asks for the (redacted) exchanges. The server is werkzeug's threaded WSGI
server: the proxy is one process, so its findings are at hand for the exit summary.
"""

from __future__ import annotations

import http.client
import json
import signal
import sys
import threading
from collections.abc import Iterable
from dataclasses import replace
from http import HTTPStatus
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import click

from mock_server.config.values import CLI_CONTEXT
from mock_server.harness.exchange import (
    ContractView,
    Finding,
    redact_headers,
    redact_json,
    redact_query,
    redact_text,
)
from mock_server.harness.target import fault_warning

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",  # answers come back uncompressed, so they can be checked
    }
)


class Proxy:
    """The WSGI app: forwards, checks, records."""

    def __init__(self, upstream: str, record: Path | None = None, timeout: float = 60.0) -> None:
        parts = urlsplit(upstream.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"--upstream must be an http(s) URL, not {upstream!r}")
        self.scheme, self.netloc, self.root = parts.scheme, parts.netloc, parts.path
        self.view = ContractView()
        self.findings: list[Finding] = []
        self.exchanges = 0
        self.record = record
        self.timeout = timeout
        self._lock = threading.Lock()
        if record is not None:
            record.mkdir(parents=True, exist_ok=True)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ["REQUEST_METHOD"]
        if path.startswith("/__admin/"):
            return self._admin(method, path, start_response)
        query = environ.get("QUERY_STRING", "")
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size) if size else b""
        headers = _request_headers(environ)
        # The path as the client spelled it (percent-encoding kept), where the server tells it.
        raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").split("?", 1)[0]
        try:
            status, reason, answer_headers, answer = self._forward(
                method, raw or path, query, headers, body
            )
        except (OSError, http.client.HTTPException) as failed:
            message = json.dumps({"error": f"upstream unreachable: {type(failed).__name__}"})
            start_response("502 Bad Gateway", [("Content-Type", "application/json")])
            return [message.encode()]
        secrets = _secrets_in(headers, query, body, answer)
        found = [
            *self.view.request_findings(method, path, query, headers, body),
            *self.view.response_findings(method, path, status, answer_headers, answer),
        ]
        # A message may quote the value it judged (a too-long client_secret, say).
        found = [
            replace(f, field=redact_text(f.field, secrets), message=redact_text(f.message, secrets))
            for f in found
        ]
        with self._lock:
            self.exchanges += 1
            number = self.exchanges
            self.findings.extend(found)
        if self.record is not None:
            self._save(number, method, path, query, headers, body, status, answer_headers, answer)
        start_response(
            f"{status} {reason or _phrase(status)}",
            [*answer_headers.items(), ("Content-Length", str(len(answer)))],
        )
        return [answer]

    def _forward(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, dict[str, str], bytes]:
        kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        connection = kind(self.netloc, timeout=self.timeout)
        try:
            target = self.root + path + ("?" + query if query else "")
            sent = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            connection.request(method, target, body=body or None, headers=sent)
            answer = connection.getresponse()
            data = answer.read()
            kept = {k: v for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP}
            return answer.status, answer.reason, kept, data
        finally:
            connection.close()

    def _admin(self, method: str, path: str, start_response: Any) -> Iterable[bytes]:
        if path == "/__admin/violations" and method == "GET":
            with self._lock:
                listing = [f.as_json() for f in self.findings]
            body = json.dumps({"violations": listing, "exchanges": self.exchanges}).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        if path == "/__admin/violations" and method == "DELETE":
            with self._lock:
                self.findings.clear()
            start_response("204 No Content", [])
            return [b""]
        if path == "/__admin/health":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"status": "ok"}']
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"error": "no such proxy admin call"}']

    def _save(
        self,
        number: int,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        status: int,
        answer_headers: dict[str, str],
        answer: bytes,
    ) -> None:
        assert self.record is not None
        secrets = _secrets_in(headers, query, body, answer)
        exchange = {
            "number": number,
            "request": {
                "method": method,
                "path": path,
                "query": redact_query(query),
                "headers": redact_headers(headers),
                "body": _redacted_body(body, secrets),
            },
            "response": {
                "status": status,
                "headers": redact_headers(answer_headers),
                "body": _redacted_body(answer, secrets),
            },
        }
        text = json.dumps(exchange, indent=2, ensure_ascii=False)
        (self.record / f"{number:05d}.json").write_text(text, encoding="utf-8")

    def summary(self) -> list[str]:
        with self._lock:
            findings = list(self.findings)
        client = [f for f in findings if f.side == "client"]
        server = [f for f in findings if f.side == "server"]
        lines = [
            f"ingram-mock proxy: {self.exchanges} exchange(s); {len(client)} client "
            f"violation(s), {len(server)} server violation(s)"
        ]
        for finding in findings[:100]:
            status = f" [{finding.status}]" if finding.status is not None else ""
            lines.append(
                f"  {finding.side}: {finding.method} {finding.path}{status}: "
                f"{finding.field}: {finding.message}"
            )
        return lines

    def junit(self, path: Path) -> None:
        with self._lock:
            findings = list(self.findings)
        suite = ET.Element(
            "testsuite",
            name="ingram-mock proxy",
            tests=str(max(1, len(findings))),
            failures=str(len(findings)),
        )
        if not findings:
            ET.SubElement(suite, "testcase", name="no contract violations", classname="proxy")
        for finding in findings:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{finding.side}: {finding.method} {finding.path}: {finding.field}",
                classname=f"proxy.{finding.side}",
            )
            failure = ET.SubElement(case, "failure", message=finding.message)
            failure.text = json.dumps(finding.as_json())
        path.parent.mkdir(parents=True, exist_ok=True)
        ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _request_headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = str(environ[key])
    # The contract's own spelling of the IM-* headers (the mock matches them case-insensitively).
    return {("IM-" + k[3:] if k.lower().startswith("im-") else k): v for k, v in headers.items()}


def _secrets_in(headers: dict[str, str], query: str, body: bytes, answer: bytes) -> set[str]:
    from urllib.parse import parse_qsl

    found: set[str] = set()
    for name, value in headers.items():
        if name.lower() == "authorization":
            found.add(value)
            found.add(value.split(" ", 1)[-1])
    for text in (query, body.decode("utf-8", "replace")):
        for key, value in parse_qsl(text, keep_blank_values=True):
            if key in ("client_secret", "access_token"):
                found.add(value)
    try:
        token = json.loads(answer).get("access_token")
    except (ValueError, AttributeError):
        token = None
    if isinstance(token, str):
        found.add(token)
    return found


def _redacted_body(raw: bytes, secrets: set[str]) -> Any:
    if not raw:
        return None
    try:
        return redact_json(json.loads(raw))
    except ValueError:
        from urllib.parse import parse_qsl

        text = raw.decode("utf-8", "replace")
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs and "=" in text:
            return {"form": redact_query(text)}
        return redact_text(text, secrets)


@click.command(
    "proxy",
    context_settings=CLI_CONTEXT,
    short_help="a validating proxy: forward to an upstream, hold both sides to the contract",
)
@click.option("--upstream", required=True, help="the server to forward to")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8081,
    show_default=True,
    help="port; 0 picks a free one",
)
@click.option(
    "--record",
    type=click.Path(file_okay=False, path_type=Path),
    help="save each exchange (redacted) in this folder",
)
@click.option(
    "--junit-xml",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write findings as JUnit XML",
)
@click.option("--fail-on-violations", is_flag=True, help="exit 1 at shutdown if any was seen")
def command(**params: Any) -> int:
    """Forward every call to --upstream and check each request (client violations) and each
    answer (server violations) against the contract; a summary at exit (Ctrl-C or SIGTERM)."""
    return run(SimpleNamespace(**params))


def run(args: SimpleNamespace) -> int:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log(self, type: str, message: str, *rest: Any) -> None:
            pass

    try:
        proxy = Proxy(args.upstream, args.record)
    except ValueError as error:
        print(f"ingram-mock proxy: {error}", file=sys.stderr)
        return 2
    try:
        server = make_server(args.host, args.port, proxy, threaded=True, request_handler=Quiet)
    except OSError as error:
        print(
            f"ingram-mock proxy: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr
        )
        return 2
    port = server.server_port
    print(f"ingram-mock proxy on http://{args.host}:{port} -> {args.upstream}", flush=True)
    warning = fault_warning(args.upstream)
    if warning:
        print(warning, flush=True)

    def stop(*_: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    for line in proxy.summary():
        print(line, flush=True)
    if args.junit_xml is not None:
        proxy.junit(args.junit_xml)
    return 1 if args.fail_on_violations and proxy.findings else 0
