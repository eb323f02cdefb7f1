"""``jingwu coverage``: import road networks and resident grids, compute, show the circles.

The commands live in :mod:`jingwu.coverage.cli_commands` and are imported when used.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.coverage.cli_commands"

cli = LazyGroup(
    "coverage",
    help="The 15-minute service circle and the 8-minute response.",
    lazy={
        "import-roads": f"{_AT}:import_roads",
        "import-residents": f"{_AT}:import_residents",
        "compute": f"{_AT}:compute",
        "show": f"{_AT}:show",
    },
)
