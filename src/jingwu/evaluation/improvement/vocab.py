"""Words of the improvement lists and the case library (pure): stages, colours, kinds."""

from __future__ import annotations

from jingwu.errors import Term

# English message ids of the stages (plan → do → check → act, then done).
STAGE_LABELS: dict[str, str] = {
    "plan": "Plan stage",
    "do": "Do stage",
    "check": "Check stage",
    "act": "Act stage",
    "done": "Finished",
}
COLOUR_LABELS: dict[str, str] = {"green": "Green", "yellow": "Yellow", "red": "Red"}
REASON_LABELS: dict[str, str] = {
    "done": "Done on time",
    "done_late": "Done late",
    "scheduled": "Not started yet",
    "on_track": "On track",
    "behind": "Behind its stage schedule",
    "nearly_due": "Nearly due",
    "overdue": "Overdue",
}
KIND_LABELS: dict[str, str] = {"improvement": "Improvement", "rectification": "Rectification"}
SOURCE_LABELS: dict[str, str] = {"order": "Work order", "mediation": "Mediation"}


def stage_term(stage: str) -> Term:
    """A stage as an error parameter, shown translated."""
    return Term(stage, STAGE_LABELS.get(stage, stage))
