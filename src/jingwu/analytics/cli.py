"""``jingwu analytics …``: the forecasting models and their backtest, incident imports, stored
backtest results and running the analytics jobs by hand.

The commands live in :mod:`jingwu.analytics.cli_commands`; numpy and scipy load only when one
of them runs, not whenever ``jingwu`` starts.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_AT = "jingwu.analytics.cli_commands"

cli = LazyGroup(
    "analytics",
    help="Incidents, heat maps and hotspot forecasts.",
    lazy={
        "models": f"{_AT}:models_command",
        "backtest": f"{_AT}:backtest_command",
        "import": f"{_AT}:import_command",
        "store-backtest": f"{_AT}:store_backtest_command",
        "refresh": f"{_AT}:refresh_command",
    },
)
