"""`ingram-mock contract-test`: placeholder until the harness lands."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("contract-test", help="run the contract suite against a server")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("contract-test is not available yet")
