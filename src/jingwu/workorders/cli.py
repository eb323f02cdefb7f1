"""``jingwu workorders``: one sweep pass, list orders (in :mod:`jingwu.workorders.cli_orders`)."""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

cli = LazyGroup(
    "workorders",
    help="Work orders: the SLA sweep, lists.",
    lazy={
        "sweep": "jingwu.workorders.cli_orders:sweep",
        "list": "jingwu.workorders.cli_orders:list_orders",
    },
)
