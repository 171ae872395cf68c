"""`ingram-mock contracts diff`: placeholder until the harness lands."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("diff", help="compare our contract with an upstream document")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("contracts diff is not available yet")
