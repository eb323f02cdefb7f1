"""``jingwu org``: list, show, staffing check and import of units (:mod:`jingwu.org.cli_units`)."""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.org.cli_units"

cli = LazyGroup(
    "org",
    help="Organisation: units, stations, staffing.",
    lazy={
        "list": f"{_AT}:list_units",
        "show": f"{_AT}:show",
        "staffing": f"{_AT}:staffing",
        "import": f"{_AT}:import_units",
    },
)
