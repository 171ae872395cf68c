"""`ingram-mock contract-test`: fuzz a live server against our contract with schemathesis.

Runs every operation of `contracts/orders-api.json` with positive and negative data and all
built-in checks, then the stateful phase that follows the contract's OpenAPI links (create
an order, read it back, modify, release, cancel, search; v7 create, its outcome webhook and
the order it names), plus our own checks from `mock_server.harness.checks`. Works against
the mock as `ingram-mock serve` starts it, or the real sandbox: a server is held to what the
real API refuses, not to everything a client must not send (`mock_server.harness.tolerance`).
It drives schemathesis's own `st run` command, so the failure report with a curl line per
failure and the JUnit XML file are schemathesis's; `mock_server.harness.progress` adds plain
progress lines for CI logs and the list of links walked.

`suite_config` is the one definition of the suite; the in-process pytest suite
(`tests/contract/test_schemathesis_mock.py`) builds its configuration from it too.
Schemathesis is imported only when the suite runs, so `ingram-mock serve` does not load it.
"""

from __future__ import annotations

import signal
import sys
import threading
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click

from mock_server.config.values import CLI_CONTEXT
from mock_server.contract.document import CONTRACT_FILE, contracts_dir

DEFAULT_CUSTOMER = "20-222222"
DEFAULT_COUNTRY = "US"
DEFAULT_MAX_EXAMPLES = 25
DEFAULT_STATEFUL_STEPS = 6
# Any non-empty pair gets a token from the mock unless it was started with --client-id.
DEFAULT_CLIENT = "ingram-mock-contract-test"
# schemathesis's default for positive_data_acceptance; documented refusals are added to it.
_ACCEPTED_STATUSES = ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx")
_TOKEN_PATH = "/oauth/oauth20/token"


@dataclass(frozen=True, slots=True)
class SuiteOptions:
    """What varies between runs of the suite."""

    token: str
    base_url: str | None = None  # None: the app is attached in-process
    customer_number: str | None = DEFAULT_CUSTOMER  # None: generated, carried by links
    country_code: str | None = DEFAULT_COUNTRY
    max_examples: int = DEFAULT_MAX_EXAMPLES
    stateful_steps: int = DEFAULT_STATEFUL_STEPS
    seed: int | None = None  # None: deterministic (derandomized) generation
    # The coverage phase sends ~2,600 boundary and unexpected-method cases whatever
    # max_examples says (about 30 s against a live mock).
    coverage: bool = True
    request_timeout: float = 30.0


def default_contract() -> Path:
    return contracts_dir() / CONTRACT_FILE


def suite_config(options: SuiteOptions) -> dict[str, Any]:
    """The suite as a schemathesis configuration (the `schemathesis.toml` shape)."""
    from mock_server.harness.checks import (
        CATALOG_PARTS,
        DOCUMENTED_REFUSALS,
        LINE_QUANTITIES,
        NOT_APPLICABLE,
    )

    register_checks()
    per_operation: dict[str, dict[str, Any]] = {}
    for operation_id, status in DOCUMENTED_REFUSALS.items():
        per_operation.setdefault(operation_id, {})["positive_data_acceptance"] = {
            "expected-statuses": [*_ACCEPTED_STATUSES, str(status)]
        }
    for operation_id, checks in NOT_APPLICABLE.items():
        for check in checks:
            per_operation.setdefault(operation_id, {})[check] = {"enabled": False}

    # Positive order lines draw real parts and quantities (see mock_server.harness.checks).
    parameters: dict[str, Any] = {
        "body.lines[*].ingramPartNumber": {"dictionary": "catalog-parts"},
        "body.lines[*].quantity": {"dictionary": "line-quantities"},
    }
    if options.customer_number:
        parameters["header.IM-CustomerNumber"] = options.customer_number
    if options.country_code:
        parameters["header.IM-CountryCode"] = options.country_code
    config: dict[str, Any] = {
        # No crash files under ./.schemathesis: each failure's curl line is in the report.
        "cache": {"enabled": False},
        "request-timeout": options.request_timeout,
        "generation": {
            "mode": "all",
            "max-examples": options.max_examples,
            "deterministic": options.seed is None,
            "database": "none",
            # The real API ignores unknown fields, parameters and headers: a server that
            # does too is not in breach, so they are not sent as negative data.
            "allow-extra-parameters": False,
        },
        "phases": {
            "coverage": {"enabled": options.coverage},
            "stateful": {
                "max-steps": options.stateful_steps,
                # Scenarios walk the links with usable data (harness/scenarios.py); negative
                # data is the other phases' job; the link walk (harness/links.py) makes sure
                # every link is walked whatever the scenarios draw.
                "generation": {"mode": "positive"},
                # The contract's own links, not ones guessed from the answers.
                "inference": {"algorithms": []},
                # Calibration stops following a link that often meets a refusal; ours meet
                # documented ones (a cancelled order cannot be changed) and must still be walked.
                "link-calibration": False,
            },
        },
        "auth": {"openapi": {"bearerAuth": {"bearer": options.token}}},
        "dictionaries": {
            "catalog-parts": {"values": list(CATALOG_PARTS)},
            "line-quantities": {"values": list(LINE_QUANTITIES)},
        },
        "parameters": parameters,
        # `rejects_what_the_api_rejects` stands in for it (see harness/tolerance.py).
        "checks": {"negative_data_rejection": {"enabled": False}},
        "operations": [
            {"include-operation-id": operation_id, "checks": checks}
            for operation_id, checks in per_operation.items()
        ],
    }
    if options.base_url is not None:
        config["base-url"] = options.base_url
    if options.seed is not None:
        config["seed"] = options.seed
    return config


def register_checks() -> tuple[str, ...]:
    """Import (so register with schemathesis) our checks and hooks; returns the check names."""
    from mock_server.harness import checks, scenarios, tolerance, webhook_hop

    del scenarios  # registers the `flatmap_case` hook
    return (
        *checks.CUSTOM_CHECKS,
        tolerance.rejects_what_the_api_rejects.__name__,
        webhook_hop.v7_order_arrives.__name__,
    )


@click.command(
    "contract-test",
    context_settings=CLI_CONTEXT,
    short_help="run the contract suite (schemathesis) against a server",
)
@click.option("--base-url", required=True, help="server root, e.g. http://127.0.0.1:8080")
@click.option("--token", default=None, help="bearer token to send as is")
@click.option(
    "--client-id", default=None, help=f"client id for the token call (default {DEFAULT_CLIENT})"
)
@click.option("--client-secret", default=None, help="client secret for the token call")
@click.option(
    "--token-url",
    default=None,
    help=f"token endpoint (default BASE_URL{_TOKEN_PATH}; the sandbox's is not under BASE_URL)",
)
@click.option(
    "--customer-number",
    default=DEFAULT_CUSTOMER,
    show_default=True,
    help="IM-CustomerNumber on every call ('' lets it vary)",
)
@click.option(
    "--country-code",
    default=DEFAULT_COUNTRY,
    show_default=True,
    help="IM-CountryCode on every call ('' lets it vary)",
)
@click.option("--junit-xml", type=click.Path(path_type=Path), help="write a JUnit XML report")
@click.option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_EXAMPLES,
    show_default=True,
    help="cases per operation, and stateful scenarios",
)
@click.option(
    "--stateful-steps",
    type=click.IntRange(min=2),
    default=DEFAULT_STATEFUL_STEPS,
    show_default=True,
    help="most calls in one stateful scenario",
)
@click.option("--seed", type=int, default=None, help="random seed (default: deterministic)")
@click.option(
    "--contract",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="OpenAPI document (default: ours)",
)
@click.option(
    "--skip-webhook-hop",
    is_flag=True,
    help="skip the v7 -> outcome webhook -> details hop on purpose (a server without the "
    "mock's /__admin API cannot walk it); the summary says it was skipped",
)
@click.argument(
    "schemathesis_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- ST_RUN_OPTIONS]"
)
def command(**params: Any) -> int:
    """Fuzz every operation of the contract (positive and negative data, all schemathesis
    checks plus ours), then walk its links statefully. Exits 1 on any failure. Options
    after -- go to schemathesis's `st run`, e.g. -- --phases fuzzing,stateful --workers 2."""
    if params["token"] and params["client_id"]:
        raise click.UsageError("give --token or --client-id, not both")
    return run(SimpleNamespace(**params))


HARNESS_MODULES = ("requests", "schemathesis", "hypothesis")


def missing_harness() -> str | None:
    """The first module of the `harness` extra that cannot be imported, or None."""
    for name in HARNESS_MODULES:
        try:
            import_module(name)
        except ImportError:
            return name
    return None


def _shown(url: str) -> str:
    """A URL fit for a message: no query string (it may carry a client secret)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def fetch_token(token_url: str, client_id: str, client_secret: str, timeout: float = 30.0) -> str:
    """A bearer token from an OAuth2 client-credentials endpoint. Raises RuntimeError.

    No message names the secret: requests' own errors repeat the full URL, query and
    all, so they are summed up by kind instead.
    """
    import requests

    where = _shown(token_url)
    try:
        answer = requests.get(
            token_url,
            params={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
            timeout=timeout,
        )
    except requests.Timeout:
        raise RuntimeError(f"token request to {where} timed out after {timeout}s") from None
    except requests.ConnectionError:
        raise RuntimeError(f"token request to {where} failed: cannot connect") from None
    except requests.RequestException as error:
        raise RuntimeError(f"token request to {where} failed: {type(error).__name__}") from None
    if answer.status_code != 200:
        text = answer.text[:300]
        if client_secret:
            text = text.replace(client_secret, "***")
        raise RuntimeError(f"token request to {where} answered {answer.status_code}: {text}")
    try:
        return str(answer.json()["access_token"])
    except (ValueError, KeyError, TypeError):
        raise RuntimeError(f"no access_token in the answer from {where}") from None


def token_for(args: SimpleNamespace) -> str:
    """--token as given, else one fetched with the client credentials. Raises RuntimeError."""
    if args.token:
        return str(args.token)
    if bool(args.client_id) != bool(args.client_secret):
        raise RuntimeError("give both --client-id and --client-secret, or neither")
    token_url = args.token_url or args.base_url.rstrip("/") + _TOKEN_PATH
    client_id = args.client_id or DEFAULT_CLIENT
    client_secret = args.client_secret or DEFAULT_CLIENT
    return fetch_token(token_url, client_id, client_secret)


def run(args: SimpleNamespace) -> int:
    """Run the suite against `args.base_url`.

    Returns schemathesis's exit code: 0 when every check passed, 1 on failures, 2 when the
    run could not be made (bad options, no token, unreadable contract), 130 on Ctrl-C.
    """
    missing = missing_harness()
    if missing is not None:
        print(
            f"contract-test: needs the harness extra ({missing} is not installed): "
            "pip install '.[harness]' in a clone of the project (README: Install)",
            file=sys.stderr,
        )
        return 2
    contract = args.contract or default_contract()
    if not contract.is_file():
        print(f"contract-test: no contract at {contract}", file=sys.stderr)
        return 2
    try:
        token = token_for(args)
    except RuntimeError as error:
        print(f"contract-test: {error}", file=sys.stderr)
        return 2

    import json

    import schemathesis.cli
    from schemathesis import Config
    from schemathesis.cli.ext.handlers import CUSTOM_HANDLERS

    from mock_server.harness import webhook_hop
    from mock_server.harness.progress import LinkTally, contract_links, make_handler
    from mock_server.harness.target import fault_warning

    skip_hop = bool(args.skip_webhook_hop)

    check_names = register_checks()
    base_url = args.base_url.rstrip("/")
    options = SuiteOptions(
        token=token,
        base_url=base_url,
        customer_number=args.customer_number or None,
        country_code=args.country_code or None,
        max_examples=args.max_examples,
        stateful_steps=args.stateful_steps,
        seed=args.seed,
    )
    argv = [str(contract), "--url", base_url, "--continue-on-failure"]
    if args.junit_xml is not None:
        args.junit_xml.parent.mkdir(parents=True, exist_ok=True)
        argv += ["--report", "junit", "--report-junit-path", str(args.junit_xml)]
    extra = list(args.schemathesis_args or [])
    argv += extra[1:] if extra[:1] == ["--"] else extra
    print(
        f"ingram-mock contract-test: {contract.name} against {base_url} "
        f"(IM-CustomerNumber {options.customer_number or 'generated'}, "
        f"{options.max_examples} examples per operation; checks: every built-in one and "
        f"{', '.join(check_names)})",
        flush=True,
    )
    warning = fault_warning(base_url)
    if warning:
        print(warning, flush=True)
    # The link walk belongs to the stateful phase: `-- --phases examples,fuzzing` skips both.
    phases = next((extra[i + 1] for i, a in enumerate(extra[:-1]) if a == "--phases"), "stateful")
    stateful = "stateful" in phases
    tally = LinkTally(contract_links(json.loads(contract.read_text(encoding="utf-8"))))
    handler = make_handler(tally)
    CUSTOM_HANDLERS.append(handler)
    # Whatever happens from here on (a failure, an exception, Ctrl-C or SIGTERM), the
    # receiver this run registered is removed, and only it.
    hop = webhook_hop.Hop(base_url, options.customer_number, skip=skip_hop or not stateful)
    webhook_hop.ACTIVE = hop
    previous_term = _stop_on_sigterm()
    try:
        walker = _walk_links(options, base_url, token, hop, tally) if stateful else None
        # `schemathesis.cli.run` is the click command; the same name is also a submodule,
        # which leaves type checkers unsure: hold it as Any.
        st_run: Any = schemathesis.cli.run
        try:
            st_run.main(
                args=argv,
                prog_name="ingram-mock contract-test",
                obj=Config.from_dict(suite_config(options)),
                standalone_mode=False,
            )
            code = 0
        except SystemExit as done:  # schemathesis ends the run with sys.exit(code)
            code = done.code if isinstance(done.code, int) else 2
        except click.ClickException as error:  # a bad `st run` option after --
            error.show()
            return 2
    finally:
        CUSTOM_HANDLERS.remove(handler)
        hop.close()
        webhook_hop.ACTIVE = None
        _restore_sigterm(previous_term)
    if walker is None:
        print("\nLinks of the contract: not walked (the stateful phase was left out)", flush=True)
        return code
    links_failed = _report_links(tally, hop, walker)
    return code or links_failed


def _stop_on_sigterm() -> Any:
    """SIGTERM (a CI job cancelled) ends the run as Ctrl-C does, through the clean-up."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(*_: Any) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def _report_links(tally: Any, hop: Any, walker: Any) -> int:
    """Print every link and how it was walked; 1 when one was not walked (a hop skipped on
    purpose, with --skip-webhook-hop, is listed as skipped and does not fail the run)."""
    print("\nLinks of the contract (link walk + stateful phase):", flush=True)
    for line in tally.lines(hop, walker):
        print(line, flush=True)
    failed = [result for result in walker.results if not result.walked]
    if walker.hop is not None and not walker.hop.walked:
        failed.append(walker.hop)
    elif not hop.skipped and not hop.available:
        from mock_server.harness.links import LinkResult

        hint = "; --skip-webhook-hop skips it on purpose"
        failed.append(LinkResult(webhook_hop_name(), None, [f"{hop.reason}{hint}"]))
    for result in failed:
        print(f"LINK NOT WALKED: {result.link}", flush=True)
        for problem in result.problems:
            print(f"    {problem}", flush=True)
    return 1 if failed else 0


def webhook_hop_name() -> str:
    from mock_server.harness.webhook_hop import HOP

    return HOP


def _walk_links(options: SuiteOptions, base_url: str, token: str, hop: Any, tally: Any) -> Any:
    """Walk every link once, on purpose (harness/links.py); notes each outcome in `tally`."""
    import time

    from mock_server.harness import webhook_hop
    from mock_server.harness.links import Walker

    def wait_for_order(confirmation: str) -> str | None:
        inbox = hop.inbox
        return webhook_hop.order_number_of(inbox.outcome(confirmation, 10.0) if inbox else None)

    started = time.monotonic()
    walker = Walker(
        base_url,
        token,
        options.customer_number or DEFAULT_CUSTOMER,
        options.country_code or DEFAULT_COUNTRY,
        wait_for_order if hop.available else None,
    )
    walker.results = walker.walk()
    for result in walker.results:
        tally.note(result.link, result.status if result.walked else None)
    walked = sum(result.walked for result in walker.results)
    print(
        f"[contract-test] link walk: {walked} / {len(walker.results)} links walked with usable "
        f"data in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    return walker
