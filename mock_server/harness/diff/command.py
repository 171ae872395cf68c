"""`ingram-mock contracts diff UPSTREAM.json`: the command line of the contract diff."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

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


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "diff",
        help="compare our contract with an upstream OpenAPI document",
        description="Compare contracts/orders-api.json with an upstream OpenAPI document for "
        "the order operations and the token call. Exit 1 if a breaking difference is not "
        f"accepted in {DEVIATIONS_FILE}.",
    )
    parser.add_argument("upstream", type=Path, help="upstream OpenAPI 3.0/3.1 JSON document")
    parser.add_argument("--ours", type=Path, default=None, help=f"our contract ({CONTRACT_FILE})")
    parser.add_argument(
        "--accepted",
        type=Path,
        default=None,
        help=f"markdown file listing accepted differences (default: {DEVIATIONS_FILE})",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--breaking-only", action="store_true", help="leave informational differences out"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
    if args.json:
        output = render_json(report)
        if args.breaking_only:
            output["differences"] = [
                d for d in output["differences"] if d["severity"] == Severity.BREAKING
            ]
        print(json.dumps(output, indent=2, ensure_ascii=False))
    else:
        print(render_text(report, show_info=not args.breaking_only))
    return report.exit_code
