"""Test helpers: a real mock server per test session (`IngramMock`) and the pytest plugin.

The plugin (`mock_server.testing.plugin`) is registered through the `pytest11` entry
point, so installing the package gives every pytest run the `ingram_mock` fixture.
Names load on first use: pytest imports the plugin in every run, used or not.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # type checkers see the real names
    from mock_server.testing.mock import DEFAULT_COUNTRY, DEFAULT_CUSTOMER, IngramMock, MockError
    from mock_server.testing.webhooks import WebhookEvent, WebhookReceiver

_EXPORTS = {
    "DEFAULT_COUNTRY": "mock_server.testing.mock",
    "DEFAULT_CUSTOMER": "mock_server.testing.mock",
    "IngramMock": "mock_server.testing.mock",
    "MockError": "mock_server.testing.mock",
    "WebhookEvent": "mock_server.testing.webhooks",
    "WebhookReceiver": "mock_server.testing.webhooks",
}
__all__ = [
    "DEFAULT_COUNTRY",
    "DEFAULT_CUSTOMER",
    "IngramMock",
    "MockError",
    "WebhookEvent",
    "WebhookReceiver",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
