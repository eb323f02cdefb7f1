"""``jingwu portal``: the internet zone's keys and database role.

The commands live in :mod:`jingwu.portal.cli_commands` and are imported when used.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.portal.cli_commands"

cli = LazyGroup(
    "portal",
    help="The citizen portal: sealing keys, the internet zone's database role, the inbox.",
    lazy={
        "keygen": f"{_AT}:keygen",
        "grant-role": f"{_AT}:grant_role_command",
        "intake": f"{_AT}:intake_command",
    },
)
