"""Names of the things verdicts mention (pure): zones, modules, sensor classes, posts.

English message ids, translated at the edge; verdicts pass them as
:class:`jingwu.errors.Term` parameters.
"""

from __future__ import annotations

from jingwu.errors import Term
from jingwu.org.standard import ZONE_LABELS
from jingwu.workorders.vocab import MODULE_LABELS

CLASS_LABELS: dict[str, str] = {
    "environment": "Environment monitoring",
    "people_flow": "People flow counting",
    "smoke_fire": "Smoke and fire detection",
    "access_control": "Access control",
    "video_analytics": "Video analytics",
    "perimeter_radar": "Perimeter radar",
    "vehicle_checkpoint": "Vehicle checkpoint",
    "energy_meter": "Energy meter",
}

PEOPLE_LABELS: dict[str, str] = {
    "officers": "community officers",
    "auxiliaries": "auxiliary officers",
    "experts": "experts",
    "chiefs": "station chiefs",
}

_ALL: dict[str, str] = {
    **ZONE_LABELS,
    **{str(k): v for k, v in MODULE_LABELS.items()},
    **CLASS_LABELS,
    **PEOPLE_LABELS,
}


def term(value: str) -> Term:
    """``value`` as a parameter shown by its translated name."""
    return Term(value, _ALL.get(value, value))
