"""The consultation's state rules (pure): who may claim, send, hand over and close, and when
its messages expire.

A consultation is ``waiting`` in its station's queue, ``active`` with one expert, or
``closed``. An expert claims a waiting one; the expert holding it (or a station lead) hands
it over to another expert, or back to the queue, with a note; either side ends it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from jingwu.errors import Conflict, Forbidden, Invalid, Term

WAITING, ACTIVE, CLOSED = "waiting", "active", "closed"
STATUSES = (WAITING, ACTIVE, CLOSED)
STATUS_LABELS = {WAITING: "Waiting", ACTIVE: "Ongoing", CLOSED: "Closed"}

CITIZEN, EXPERT, NOTE, SYSTEM = "citizen", "expert", "note", "system"
# What the citizen's side shows: their own messages, the experts' answers and system lines;
# hand-over notes are between experts.
CITIZEN_SEES = frozenset({CITIZEN, EXPERT, SYSTEM})

TOPICS = ("neighbours", "family", "labour", "consumer", "property", "traffic", "other")
TOPIC_LABELS = {
    "neighbours": "Neighbour disputes",
    "family": "Marriage and family",
    "labour": "Labour and wages",
    "consumer": "Consumer rights",
    "property": "Housing and property",
    "traffic": "Traffic accidents",
    "other": "Other questions",
}

# Retention policy: a consultation's messages are kept for 180 days after it ends (or after
# it was opened, while it is open), then purged by the ``consult.purge`` job. A transcript
# recorded as evidence is kept apart (in the blob store, logged in the evidence log).
RETENTION = dt.timedelta(days=180)
MAX_MESSAGE = 2000
MAX_NOTE = 500
MAX_NAME = 40


@dataclass(frozen=True)
class State:
    """What the rules need of a consultation."""

    status: str
    expert_id: int | None = None


def _status(state: State) -> Term:
    return Term(state.status, STATUS_LABELS[state.status])


def claim(state: State, *, by: int) -> State:
    """A waiting consultation becomes ``by``'s."""
    if state.status != WAITING:
        raise Conflict(
            "This consultation is {status} and cannot be claimed.",
            params={"status": _status(state)},
        )
    return State(ACTIVE, by)


def may_act(state: State, *, by: int, lead: bool) -> bool:
    """True when ``by`` holds the consultation, or is a lead of its station."""
    return lead or state.expert_id == by


def hand_over(state: State, *, by: int, lead: bool, to: int | None, note: str) -> State:
    """To another expert (``to``) or back to the queue (``to`` None), with a note."""
    if state.status != ACTIVE:
        raise Conflict(
            "This consultation is {status} and cannot be handed over.",
            params={"status": _status(state)},
        )
    if not may_act(state, by=by, lead=lead):
        raise Forbidden("Only the expert answering this consultation may hand it over.")
    if to is not None and to == state.expert_id:
        raise Invalid("Hand the consultation over to another expert.", fields={"to": "same"})
    check_text(note, limit=MAX_NOTE, field="note")
    return State(WAITING, None) if to is None else replace(state, expert_id=to)


def close(state: State, *, by: int | None, lead: bool) -> State:
    """Ends the consultation: the citizen (``by`` None), its expert or a lead."""
    if state.status == CLOSED:
        raise Conflict("This consultation is already closed.")
    if by is not None and not may_act(state, by=by, lead=lead):
        raise Forbidden("Only the expert answering this consultation may close it.")
    return State(CLOSED, state.expert_id)


def may_send(state: State, *, sender: str, by: int | None = None, lead: bool = False) -> None:
    """Refuses a message the rules do not allow: nothing after closing, and an expert
    answers only a consultation they hold."""
    if state.status == CLOSED:
        raise Conflict("This consultation is closed.")
    held = state.status == ACTIVE and by is not None and may_act(state, by=by, lead=lead)
    if sender == EXPERT and not held:
        raise Forbidden("Claim the consultation before answering it.")


def check_text(text: str, *, limit: int = MAX_MESSAGE, field: str = "body") -> str:
    """The text stripped; empty or longer than ``limit`` characters is Invalid."""
    cleaned = text.strip()
    if not cleaned:
        raise Invalid("Write something first.", fields={field: "required"})
    if len(cleaned) > limit:
        raise Invalid(
            "At most {n} characters, please.", params={"n": limit}, fields={field: "too long"}
        )
    return cleaned


def retain_until(*, opened_at: dt.datetime, closed_at: dt.datetime | None) -> dt.datetime:
    """When the consultation's messages may be purged."""
    return (closed_at or opened_at) + RETENTION


def expired(until: dt.datetime | None, now: dt.datetime) -> bool:
    return until is not None and until <= now
