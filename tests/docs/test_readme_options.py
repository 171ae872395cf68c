"""The README's table of serving options is the options' one definition, both ways: every
option is in the table with its flag, variable and default, and every row is an option.
`python tools/readme_options.py` rewrites the table from the definition."""

from __future__ import annotations

import re
from pathlib import Path

from mock_server.config.options import options_table, serve_options

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_rows() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Serving options") :]
    section = section[: section.index("\n## ", 1)]
    block = r"<!-- serve-options:start -->\n(.*?)<!-- serve-options:end -->"
    found = re.search(block, section, re.S)
    assert found, "README's Serving options section has no serve-options table"
    lines = found.group(1).strip().splitlines()
    assert lines[0] == "| flag | variable | default | what |"
    # Cells split on | that is not escaped (a \| inside a cell is text).
    return [
        [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        for line in lines[2:]
    ]


def test_every_option_is_in_the_readme_table_and_every_row_is_an_option() -> None:
    rows = {row[0].strip("`").split()[0]: row for row in readme_rows()}
    options = {option.flag: option for option in serve_options()}
    assert set(rows) == set(options), "README table and options differ (tools/readme_options.py)"
    for flag, option in options.items():
        _, variable, default, what = rows[flag]
        assert variable.split()[0] == f"`{option.variable}`"
        if option.old_variable:
            assert f"(formerly `{option.old_variable}`)" in variable
        expected = option.show_default if isinstance(option.show_default, str) else None
        expected = expected or ("off" if option.is_flag else f"`{option.default}`")
        assert default == expected, flag
        assert what == option.help


def test_the_readme_table_is_the_generated_one() -> None:
    text = README.read_text(encoding="utf-8")
    assert options_table() in text, "run: python tools/readme_options.py"
