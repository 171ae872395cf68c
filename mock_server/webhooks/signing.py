"""The `x-hub-signature` header: how a receiver knows an event came from us."""

from __future__ import annotations

import base64
import hashlib
import hmac


def signature(secret: str, event_id: str) -> str:
    """base64(HMAC-SHA512(key=secret, message=eventId)): what a receiver recomputes."""
    digest = hmac.new(secret.encode(), event_id.encode(), hashlib.sha512).digest()
    return base64.b64encode(digest).decode()
