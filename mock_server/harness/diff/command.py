"""`ingram-mock contracts diff UPSTREAM.json`: the command line of the contract diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click

from mock_server.config.values import CLI_CONTEXT
from mock_server.contract.document import CONTRACT_FILE, contracts_dir
from mock_server.harness.diff.document import Document
from mock_server.harness.diff.model import Acceptance, DocumentError, Report, Severity
from mock_server.harness.diff.operations import compare
from mock_server.harness.diff.report import (
    DEVIATIONS_FILE,
    load_acceptance,
    render_json,
    render_text,
)


def diff_documents(upstream: Path, ours: Path, accepted: Acceptance) -> Report:
    """Read both documents and compare them. Raises DocumentError if one is unreadable."""
    up_doc, our_doc = Document.load(upstream), Document.load(ours)
    return Report(
        ours=f"{our_doc.name} (OpenAPI {our_doc.version})",
        upstream=f"{up_doc.name} (OpenAPI {up_doc.version})",
        differences=compare(up_doc, our_doc),
        acceptance=accepted,
    )


@click.group(
    "contracts", context_settings=CLI_CONTEXT, short_help="work with the contract documents"
)
def group() -> None:
    """Work with the contract documents."""


@group.command("diff", context_settings=CLI_CONTEXT)
@click.argument("upstream", type=click.Path(path_type=Path))
@click.option(
    "--ours", type=click.Path(path_type=Path), default=None, help=f"our contract ({CONTRACT_FILE})"
)
@click.option(
    "--accepted",
    type=click.Path(path_type=Path),
    default=None,
    help=f"markdown file listing accepted differences (default: {DEVIATIONS_FILE})",
)
@click.option("--json", "json_output", is_flag=True, help="machine-readable output")
@click.option("--breaking-only", is_flag=True, help="leave informational differences out")
def diff_command(**params: Any) -> int:
    """Compare contracts/orders-api.json with an upstream OpenAPI 3.0/3.1 JSON document
    (UPSTREAM) for the order operations and the token call. Exits 1 if a breaking
    difference is not accepted in DEVIATIONS.md."""
    return run(SimpleNamespace(**params))


def run(args: SimpleNamespace) -> int:
    try:
        ours: Path = args.ours or contracts_dir() / CONTRACT_FILE
        if args.accepted is not None:
            acceptance = load_acceptance(args.accepted, required=True)
        else:
            acceptance = load_acceptance(contracts_dir() / DEVIATIONS_FILE, required=False)
        report = diff_documents(args.upstream, ours, acceptance)
    except (DocumentError, FileNotFoundError) as exc:
        print(f"ingram-mock contracts diff: {exc}", file=sys.stderr)
        return 2
    if args.json_output:
        output = render_json(report)
        if args.breaking_only:
            output["differences"] = [
                d for d in output["differences"] if d["severity"] == Severity.BREAKING
            ]
        print(json.dumps(output, indent=2, ensure_ascii=False))
    else:
        print(render_text(report, show_info=not args.breaking_only))
    return report.exit_code
