"""A command's table is printed whole: codes and times are never cut with "…", whether the
output is a narrow terminal or a pipe (where rich assumes 80 columns)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from jingwu.cli.tables import print_table

CODE = "BS01-20261207-0003"
WHEN = "2026-12-07 20:20"


def _table() -> Table:
    table = Table("code", "tier", "state", "category", "received (Asia/Shanghai)", "overdue")
    table.add_row(CODE, "(orange)", "in_progress", "property_management", WHEN, "yes")
    return table


def test_a_table_wider_than_the_console_is_printed_whole() -> None:
    out = io.StringIO()
    print_table(Console(file=out, width=40), _table())
    text = out.getvalue()
    assert CODE in text and WHEN in text and "property_management" in text and "…" not in text


def test_a_narrow_table_keeps_the_consoles_width() -> None:
    out = io.StringIO()
    table = Table("code")
    table.add_row(CODE)
    print_table(Console(file=out, width=80), table)
    assert CODE in out.getvalue() and max(len(line) for line in out.getvalue().splitlines()) < 40
