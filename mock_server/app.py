"""The application factory: a fresh, fully wired Flask app per call (no import-time state)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.routing import BaseConverter

from mock_server.bootstrap import MockServices, build_services
from mock_server.config import Settings
from mock_server.domain.ports import EventSink, OrderStore
from mock_server.http import faults as fault_hooks
from mock_server.http import gateway
from mock_server.http.admin import admin
from mock_server.http.admin_faults import admin_faults
from mock_server.http.auth import tokens
from mock_server.http.context import EXTENSION_KEY, MAX_BODY_BYTES
from mock_server.http.dashboard import dashboard
from mock_server.http.docs import docs
from mock_server.http.errors import register_error_handlers
from mock_server.http.fast import FAST_PATH_KEY, FastPath
from mock_server.http.orders import orders
from mock_server.rehearsal.clock import Clock
from mock_server.rehearsal.journal import JournalEntry


class _SyncFlask(Flask):
    """Every view here is synchronous: skip Flask's per-call coroutine check (a hot path)."""

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return func


class OrderNumberConverter(BaseConverter):
    """An order-number path segment. `search` is not one: PUT or DELETE on
    /resellers/v6/orders/search is a 405 on the search resource, not an order called "search"."""

    regex = r"(?!search$)[^/]+"


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    events: EventSink | None = None,
    store: OrderStore | None = None,
    services: MockServices | None = None,
) -> Flask:
    """Build the mock. Pass `clock`/`events`/`store` to inject fakes in tests."""
    settings = settings or Settings()
    services = services or build_services(settings, clock=clock, events=events, store=store)
    app = _SyncFlask(__name__)
    app.url_map.converters["order"] = OrderNumberConverter
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions[EXTENSION_KEY] = services
    if settings.background_workers:
        services.control.start_ticker()
        services.intake.start()  # a shared queue may already hold other processes' work
        services.webhooks.start()  # ... and a shared outbox their undelivered events

    app.register_blueprint(tokens)
    app.register_blueprint(tokens, url_prefix="/sandbox", name="sandbox_tokens")
    app.register_blueprint(orders)
    app.register_blueprint(orders, url_prefix="/sandbox", name="sandbox_orders")
    app.register_blueprint(admin)
    app.register_blueprint(admin_faults)
    app.register_blueprint(docs)
    app.register_blueprint(dashboard)
    register_error_handlers(app)
    gateway.install(app, services)  # rate limits and maintenance windows
    # The two hot routes skip Flask when they succeed (http/fast.py); all else reaches Flask.
    fast = FastPath(app.wsgi_app, services)
    app.wsgi_app = fast  # type: ignore[method-assign]
    app.extensions[FAST_PATH_KEY] = fast

    @app.before_request
    def start_clock() -> None:
        g.started = time.perf_counter()
        services.clock.new_request()

    @app.after_request
    def journal(response: Response) -> Response:
        path = request.path
        if not path.startswith("/__admin"):
            # Raw values only: formatting waits until someone reads /__admin/requests.
            environ = request.environ
            services.journal.add(
                JournalEntry(
                    at=time.time(),
                    method=request.method,
                    path=path,
                    query=environ.get("QUERY_STRING", ""),
                    status=response.status_code,
                    correlation_id=environ.get("HTTP_IM_CORRELATIONID", ""),
                    customer_number=environ.get("HTTP_IM_CUSTOMERNUMBER", ""),
                    seconds=time.perf_counter() - g.get("started", 0.0),
                )
            )
        return response

    fault_hooks.install(app, services.faults)  # after the journal: see install()
    return app
