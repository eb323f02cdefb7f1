"""``jingwu evaluation``: indices, values, PDCA, draws and the white paper.

The commands live in the sub-areas' ``cli`` modules and are imported when used.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_CHECKS = "jingwu.evaluation.checks.cli"
_INDICES = "jingwu.evaluation.indices.cli"

cli = LazyGroup(
    "evaluation",
    help="Evaluation and supervision: indices, PDCA, spot checks, the white paper.",
    lazy={
        "draw": f"{_CHECKS}:draw",
        "verify-draw": f"{_CHECKS}:verify_draw_cmd",
        "survey-template": f"{_CHECKS}:survey_template",
        "import-survey": f"{_CHECKS}:import_survey",
        "white-paper": "jingwu.evaluation.whitepaper.cli:white_paper",
        "recompute": f"{_INDICES}:recompute",
        "values-template": f"{_INDICES}:values_template",
        "import-values": f"{_INDICES}:import_values",
    },
)
