"""The application factory: a fresh, fully wired Flask app per call (no import-time state).

Flask is the app people and tests see: `create_app()` answers every endpoint. The API's
operations are the door's (`http/door.py`), mounted in front of Flask's own routing
(`server/mount.py`); Flask hosts the admin API, the docs page and the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from mock_server.bootstrap import MockServices, build_services
from mock_server.config import Settings
from mock_server.domain.ports import EventSink, OrderStore
from mock_server.http.admin import admin
from mock_server.http.admin_workbench import admin_workbench
from mock_server.http.dashboard import dashboard
from mock_server.http.docs import docs
from mock_server.http.door import Door
from mock_server.http.flask_host import SERVICES_KEY, register_error_handlers
from mock_server.http.messages import MAX_BODY_BYTES
from mock_server.rehearsal.clock import Clock
from mock_server.server.mount import DoorMount

DOOR_KEY = "ingram_mock.door"  # app.extensions: the Door the front hands API requests to


class _SyncFlask(Flask):
    """Every view here is synchronous: skip Flask's per-call coroutine check."""

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return func


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
    # Flask's own routes take bodies up to the API's limit too; a snapshot import raises it.
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions[SERVICES_KEY] = services
    if settings.background_workers:
        services.control.start_ticker()
        services.intake.start()  # a shared queue may already hold other processes' work
        services.webhooks.start()  # ... and a shared outbox their undelivered events

    app.register_blueprint(admin)
    app.register_blueprint(admin_workbench)
    app.register_blueprint(docs)
    app.register_blueprint(dashboard)
    register_error_handlers(app)
    # A shared clock offset is read once per request: the door does so for the API's
    # requests, this for the ones Flask serves.
    app.before_request(services.clock.new_request)
    door = Door(services)
    app.extensions[DOOR_KEY] = door
    app.wsgi_app = DoorMount(app.wsgi_app, door)  # type: ignore[method-assign]
    return app
