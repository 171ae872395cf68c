"""Wiring in one place: settings in, every collaborator the app needs out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from mock_server.config import Settings
from mock_server.contract.document import Contract, load_contract
from mock_server.domain.catalog import Catalog, RegionTable
from mock_server.domain.lifecycle import Pace
from mock_server.domain.numbers import Counter, OrderNumberSequence
from mock_server.domain.ports import EventSink, FanOut
from mock_server.domain.quotes import QuoteBook
from mock_server.domain.service import OrderService
from mock_server.gateway.rate_limits import RateLimiter, RatePolicy
from mock_server.gateway.tokens import ClientApp, TokenAuthority, shared_token_key
from mock_server.intake.queues import RedisSubmissionQueue, SubmissionQueue
from mock_server.intake.service import OrderIntake
from mock_server.rehearsal.clock import AdjustableClock, Clock, Offset, RedisOffset
from mock_server.rehearsal.control import MockControl
from mock_server.rehearsal.faults import FaultBook, FaultySender, rules_from_file
from mock_server.rehearsal.journal import RequestJournal
from mock_server.rehearsal.overrides import OverrideBook
from mock_server.rehearsal.overrides import rules_from_file as override_rules
from mock_server.rehearsal.timelines import OrderTimelines
from mock_server.rehearsal.violations import RedisViolationLog, ViolationLog
from mock_server.store.connection import connect
from mock_server.store.fixtures import load_accounts, load_catalog, load_quotes, load_regions
from mock_server.store.memory import InMemoryOrderStore, OrderStore
from mock_server.store.redis import RedisCounter, RedisOrderStore
from mock_server.webhooks import (
    HttpSender,
    RetryPolicy,
    Sender,
    WebhookDispatcher,
    event_body,
)
from mock_server.webhooks.dispatcher import WebhookBackend
from mock_server.webhooks.outbox import Outbox
from mock_server.webhooks.redis import RedisOutbox, RedisRegistry, SharedDeliveryWorker
from mock_server.webhooks.registry import Registry
from mock_server.webhooks.worker import DeliveryWorkers


@dataclass(slots=True)
class MockServices:
    settings: Settings
    clock: AdjustableClock
    contract: Contract
    catalog: Catalog
    regions: RegionTable
    store: OrderStore
    orders: OrderService
    tokens: TokenAuthority
    journal: RequestJournal
    violations: ViolationLog
    webhooks: WebhookDispatcher
    intake: OrderIntake
    control: MockControl
    limits: RateLimiter
    faults: FaultBook
    timelines: OrderTimelines
    overrides: OverrideBook

    def reset(self) -> None:
        self.control.reset()
        self.timelines.clear()
        self.faults.reset()  # API-added rules go, --faults rules stay; the draws restart
        self.overrides.reset()  # API-added rules go, --overrides rules stay


@dataclass(slots=True)
class Backends:
    """Where each part of the state lives: in this process (the None defaults, and the
    in-memory store), or in Redis, shared by every process that names the same URL."""

    store: OrderStore
    counter: Counter | None = None
    offset: Offset | None = None
    token_key: Callable[[], bytes] | None = None
    waiting: SubmissionQueue | None = None
    violations: ViolationLog | None = None
    webhooks: WebhookBackend | None = None


def _backends(settings: Settings, store: OrderStore | None) -> Backends:
    if store is not None or settings.store == "memory":
        return Backends(store if store is not None else InMemoryOrderStore())  # empty is falsy
    client = connect(settings.store)
    ns = settings.store_namespace
    store = RedisOrderStore(client, ns)
    return Backends(
        store=store,
        counter=RedisCounter(client, ns),
        offset=RedisOffset(client, ns),
        token_key=partial(shared_token_key, client, ns),
        waiting=RedisSubmissionQueue(
            client, ns, claim_seconds=settings.shared_claim_seconds, store=store
        ),
        violations=RedisViolationLog(client, ns, settings.journal_size, settings.violations_report),
        webhooks=partial(_redis_webhooks, client, ns),
    )


def _redis_webhooks(
    client: Any, namespace: str, sender: Sender, policy: RetryPolicy
) -> tuple[Registry, Outbox, DeliveryWorkers]:
    outbox = RedisOutbox(client, namespace)
    registry = RedisRegistry(client, namespace)
    return registry, outbox, SharedDeliveryWorker(outbox, sender, policy)


def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    events: EventSink | None = None,
    store: OrderStore | None = None,
    webhook_sender: Sender | None = None,
    retry_policy: RetryPolicy | None = None,
) -> MockServices:
    adjustable = clock if isinstance(clock, AdjustableClock) else AdjustableClock(clock)
    catalog = load_catalog(settings.fixtures_dir)
    regions = load_regions(settings.fixtures_dir)
    backing = _backends(settings, store)
    store = backing.store
    if backing.offset is not None:
        adjustable.keep_offset_in(backing.offset)
    pace = Pace(
        ship_after=timedelta(seconds=settings.ship_after_seconds),
        deliver_after=timedelta(seconds=settings.deliver_after_seconds),
        restock_after=timedelta(seconds=settings.restock_after_seconds),
    )
    policy = retry_policy or RetryPolicy(
        max_attempts=settings.webhook_attempts,
        first_backoff=settings.webhook_backoff,
        max_backoff=settings.webhook_max_backoff,
        timeout=settings.webhook_timeout,
    )
    faults = FaultBook(settings.seed)
    if settings.faults_file is not None:
        faults.add_all(rules_from_file(settings.faults_file), standing=True)
    overrides = OverrideBook()
    if settings.overrides_file is not None:
        overrides.add_all(override_rules(settings.overrides_file), standing=True)
    sender = FaultySender(webhook_sender or HttpSender(), faults)
    webhooks = WebhookDispatcher(
        event_body,
        sender=sender,
        policy=policy,
        backend=backing.webhooks,
    )
    if settings.webhook_url:
        webhooks.register(settings.webhook_url, settings.webhook_secret)
    # The per-order event journal (the dashboard's timelines) listens beside the webhooks.
    timelines = OrderTimelines()
    sink: EventSink = FanOut(webhooks, timelines, *([events] if events is not None else []))
    numbers = OrderNumberSequence(counter=backing.counter)
    orders = OrderService(
        store,
        catalog,
        regions,
        adjustable,
        events=sink,
        pace=pace,
        numbers=numbers,
        quotes=QuoteBook.from_data(load_quotes(settings.fixtures_dir)),
        accounts=load_accounts(settings.fixtures_dir),
    )
    intake = OrderIntake(
        orders,
        adjustable,
        numbers,
        background=settings.background_workers,
        waiting=backing.waiting,
    )
    journal = RequestJournal(
        settings.journal_size, settings.journal_bytes, bodies=settings.journal_bodies
    )
    violations = backing.violations or ViolationLog(
        settings.journal_size, settings.violations_report
    )
    limits = RateLimiter(RatePolicy.parse(settings.rate_limit))
    tokens = TokenAuthority(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        apps=[ClientApp.parse(spec) for spec in settings.clients],
        ttl_seconds=settings.token_ttl_seconds,
        key=backing.token_key,
    )
    control = MockControl(
        adjustable, orders, intake, webhooks, journal, violations, limits=limits, tokens=tokens
    )
    if settings.maintenance:
        control.begin_maintenance()
    return MockServices(
        settings=settings,
        clock=adjustable,
        contract=load_contract(str(settings.contract_path) if settings.contract_path else None),
        catalog=catalog,
        regions=regions,
        store=store,
        orders=orders,
        tokens=tokens,
        journal=journal,
        violations=violations,
        webhooks=webhooks,
        intake=intake,
        control=control,
        limits=limits,
        faults=faults,
        timelines=timelines,
        overrides=overrides,
    )
