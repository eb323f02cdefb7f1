"""``jingwu patrols``: import GPS tracks or planned routes, list the scope's routes.

The commands live in :mod:`jingwu.patrols.cli_commands` and are imported when used.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.patrols.cli_commands"

cli = LazyGroup(
    "patrols",
    help="Patrol routes: GPS tracks and planned routes on the situational map.",
    lazy={"import": f"{_AT}:import_file", "list": f"{_AT}:list_routes"},
)
