"""What the public sees of a request (pure): fixed status phrases, the coarse location grid
and the public timeline. Officers' words never reach the public: every note is one of
:data:`PHRASES`, an English message id translated on the page (see locale/zh_CN.po)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

# step -> (public status, the fixed phrase shown as status_notes)
PHRASES: dict[str, tuple[str, str]] = {
    "received": ("open", "Received; waiting to be passed to a police station."),
    "accepted": ("open", "Accepted by a community police station."),
    "in_progress": ("open", "Being handled by the community police station."),
    "resolved": ("open", "Handled; waiting for your rating."),
    "reopened": ("open", "Reopened and being handled again."),
    "closed": ("closed", "Finished; thank you for your report."),
    "rejected": ("closed", "Closed: it could not be taken up as a request."),
}

# step -> the status label shown before its phrase (each pair reads as one statement)
LABELS: dict[str, str] = {
    "received": "Waiting to be passed on",
    "accepted": "Accepted by a station",
    "in_progress": "Being handled",
    "resolved": "Handled, awaiting your rating",
    "reopened": "Being handled again",
    "closed": "Request closed",
    "rejected": "Not taken up",
}


def current_step(timeline: list[dict[str, Any]] | None, status: str) -> str:
    """The request's present public step: the timeline's last known step, else by status."""
    for item in reversed(timeline or []):
        if item.get("step") in PHRASES:
            return str(item["step"])
    return "closed" if status == "closed" else "received"


GRID_DEG = 0.005  # about 500 m north-south: a published location names no house


def snap(value: float | None) -> float | None:
    """A coordinate snapped to the centre of its cell of the public grid."""
    if value is None or not math.isfinite(value):
        return None
    cell = math.floor(value / GRID_DEG)
    return round((cell + 0.5) * GRID_DEG, 4)


def step_for(state: str) -> str:
    """The public step of a work-order state (received, triaged, ..., closed)."""
    return {
        "received": "accepted",
        "triaged": "accepted",
        "assigned": "accepted",
        "accepted": "in_progress",
        "in_progress": "in_progress",
        "on_hold": "in_progress",
        "resolved": "resolved",
        "closed": "closed",
        "transferred": "closed",
        "rejected": "rejected",
        "duplicate": "closed",
    }.get(state, "in_progress")


def entry(step: str, at: dt.datetime) -> dict[str, Any]:
    """One timeline entry: {at, status, step}; ``step`` names the phrase."""
    return {"at": at.astimezone(dt.UTC).isoformat(), "status": PHRASES[step][0], "step": step}


def extend(timeline: list[dict[str, Any]], step: str, at: dt.datetime) -> list[dict[str, Any]]:
    """``timeline`` with ``step`` appended unless it is already the last step."""
    if timeline and timeline[-1].get("step") == step:
        return list(timeline)
    return [*timeline, entry(step, at)]
