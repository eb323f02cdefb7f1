"""``jingwu org``: list, show, staffing check and import of units (:mod:`jingwu.org.cli_units`)."""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.org.cli_units"
_RECORD = (
    "staff-add",
    "staff-move",
    "staff-leave",
    "staff-history",
    "post-add",
    "floor",
    "zone-add",
    "equipment-add",
)

cli = LazyGroup(
    "org",
    help="Organisation: units, stations, staffing, recording staff, posts, zones, equipment.",
    lazy={
        "list": f"{_AT}:list_units",
        "show": f"{_AT}:show",
        "staffing": f"{_AT}:staffing",
        "import": f"{_AT}:import_units",
        **{name: f"jingwu.org.cli_record:{name.replace('-', '_')}" for name in _RECORD},
    },
)
