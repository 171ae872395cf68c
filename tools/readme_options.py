"""Write the README's table of `ingram-mock serve` options from their one definition
(`mock_server.config.options`). tests/docs/test_readme_options.py fails while they differ.

usage: python tools/readme_options.py            (rewrites the block in README.md)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mock_server.config.options import options_table

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- serve-options:start -->\n)(.*?)(<!-- serve-options:end -->)", re.S)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print("README.md has no serve-options block", file=sys.stderr)
        return 1
    README.write_text(
        BLOCK.sub(lambda m: m.group(1) + options_table() + "\n" + m.group(3), text),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
