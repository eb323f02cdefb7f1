"""``jingwu sunshine``: publish the open data now (the worker does it every 15 minutes).

The commands live in :mod:`jingwu.sunshine.cli_commands` and are imported when used.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.sunshine.cli_commands"

cli = LazyGroup(
    "sunshine",
    help="Sunshine policing open data: publish a new version.",
    lazy={"publish": f"{_AT}:publish"},
)
