"""Order events delivered to customers' callback URLs, off the request path.

One job per module: `envelope` (the JSON body), `signing` (x-hub-signature), `senders`
(the Sender port and its HTTP adapter), `registry` (who listens), `outbox` (the delivery
log), `worker` (delivery thread and retries), `dispatcher` (the facade the app uses).
"""

from mock_server.webhooks.dispatcher import WebhookDispatcher
from mock_server.webhooks.outbox import Attempt, Delivery
from mock_server.webhooks.registry import Registration
from mock_server.webhooks.senders import HttpSender, Sender
from mock_server.webhooks.signing import signature
from mock_server.webhooks.worker import RetryPolicy
from mock_server.wire.events import event_body

__all__ = [
    "Attempt",
    "Delivery",
    "HttpSender",
    "Registration",
    "RetryPolicy",
    "Sender",
    "WebhookDispatcher",
    "event_body",
    "signature",
]
