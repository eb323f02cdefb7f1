"""Every forecasting model by name, in the order reports list them."""

from __future__ import annotations

from jingwu.analytics.baselines import baseline_specs
from jingwu.analytics.etas import ETAS_SPEC
from jingwu.analytics.forecast import ModelSpec
from jingwu.analytics.ours import OURS_SPEC


def model_specs(cell: float) -> list[ModelSpec]:
    """The baselines, then ours; bandwidth candidates scale with the cell size."""
    return [*baseline_specs(cell), ETAS_SPEC, OURS_SPEC]
