"""``jingwu rollout``: import the plan, show progress, move a station's status.

The commands live in :mod:`jingwu.rollout.cli_commands` and are imported when used.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.rollout.cli_commands"

cli = LazyGroup(
    "rollout",
    help="The 2024–2026 rollout plan of demonstration stations.",
    lazy={
        "import": f"{_AT}:import_plan",
        "show": f"{_AT}:show",
        "move": f"{_AT}:move",
    },
)
