"""Tables printed whole: a command's table is as wide as its content needs (codes, times and
names never cut with "…"), in a narrow terminal and into a pipe (where rich assumes 80)."""

from __future__ import annotations

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table


def print_table(console: Console, table: Table) -> None:
    """Print ``table`` at its natural width, or the console's when that is wider."""
    natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
    if natural <= console.width:
        console.print(table)
        return
    Console(file=console.file, width=natural, force_terminal=console.is_terminal).print(table)
