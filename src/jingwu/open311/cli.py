"""``jingwu open311``: issue, list and revoke the API keys of partner systems.

The commands live in :mod:`jingwu.open311.cli_commands` and are imported when used.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.open311.cli_commands"

cli = LazyGroup(
    "open311",
    help="Open311 GeoReport v2: API keys for partner systems.",
    lazy={
        "issue-key": f"{_AT}:issue_key",
        "list-keys": f"{_AT}:list_keys",
        "revoke-key": f"{_AT}:revoke_key",
    },
)
