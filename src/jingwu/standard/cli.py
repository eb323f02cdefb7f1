"""``jingwu standard``: versions, scorecards, the module mix, loading and checking versions.

The commands live in :mod:`jingwu.standard.cli_commands` and are imported when used.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.standard.cli_commands"

cli = LazyGroup(
    "standard",
    help="The station standard as versioned data, and the stations' scorecards.",
    lazy={
        "versions": f"{_AT}:versions",
        "check": f"{_AT}:check",
        "load": f"{_AT}:load",
        "scorecard": f"{_AT}:scorecard",
        "modules": f"{_AT}:modules",
    },
)
