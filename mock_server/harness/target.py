"""What a harness command learns about the server it talks to before it starts, through
the mock's admin API when the server has one: active fault rules are said at the top of
the run, since every failure after them may be theirs."""

from __future__ import annotations

import json
from typing import Any
from urllib import error as urlerror
from urllib import request as urlrequest


def admin_call(base_url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One call to `{base_url}/__admin/{path}`: (status, JSON body or None); status 0 when
    the server could not be reached or did not answer JSON."""
    data = None if body is None else json.dumps(body).encode()
    req = urlrequest.Request(
        f"{base_url.rstrip('/')}/__admin/{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urlrequest.urlopen(req, timeout=5) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urlerror.HTTPError as failed:
        return failed.code, None
    except (urlerror.URLError, OSError, ValueError):
        return 0, None


def fault_warning(base_url: str) -> str | None:
    """A line naming the server's active fault rules (`GET /__admin/faults`), or None when
    it has none or no such API (the real sandbox)."""
    status, body = admin_call(base_url, "GET", "faults")
    rules = body.get("faults") if status == 200 and isinstance(body, dict) else None
    if not isinstance(rules, list):
        return None
    active = [r for r in rules if isinstance(r, dict) and r.get("remaining") != 0]
    if not active:
        return None
    shown = "; ".join(_rule(r) for r in active[:5]) + ("; ..." if len(active) > 5 else "")
    return (
        f"WARNING: {base_url} has {len(active)} active fault rule(s) (GET /__admin/faults): "
        f"{shown}. Failures below may be theirs."
    )


def _rule(rule: dict[str, Any]) -> str:
    what = rule.get("kind", "status")
    if what == "status" and rule.get("status") is not None:
        what = f"status {rule['status']}"
    text = f"{rule.get('id', '?')} {rule.get('operationId', '*')} {what}"
    if rule.get("times") is not None:
        text += f" x{rule['times']}"
    if rule.get("probability", 1) != 1:
        text += f" p={rule['probability']}"
    return text
