"""A plausible life of one demo order, simulated with the real rules (pure, seeded).

Each order is triaged, assigned, answered, worked and resolved at times drawn around its SLA
budgets — mostly on time, sometimes late — and stops wherever ``now`` finds it. The alerts
the sweep would have written are replayed with :func:`~jingwu.workorders.clocks.due_alerts`
at every event, so warnings, breaches and deadlines agree with what the service computes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from jingwu.workorders import demo_text as text
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.clocks import Alert, ClockEvent, due_alerts
from jingwu.workorders.sla import SlaPolicy, policy_for
from jingwu.workorders.triage import Suggestion, TriageInput, suggest
from jingwu.workorders.vocab import Action, Tier

_MIN = dt.timedelta(minutes=1)
_OTHER = {Tier.RED: Tier.ORANGE, Tier.ORANGE: Tier.YELLOW, Tier.YELLOW: Tier.ORANGE}
DEPARTMENTS = (
    "110",
    "health",
    "street_office",
    "fire_rescue",
    "civil_affairs",
    "community_committee",
)


@dataclass
class Step:
    """One event of the order's timeline."""

    at: dt.datetime
    kind: str  # action | task | feedback
    action: str
    actor: str  # receiver | assignee | chief | system | citizen
    to_state: str
    reason: str = ""
    data: dict[str, Any] | None = None


@dataclass
class Life:
    """What happened to one order up to ``now``."""

    received_at: dt.datetime
    category: str
    description: str
    suggestion: Suggestion
    tier: Tier
    override_reason: str | None
    policy: SlaPolicy
    assignee: str = "officer"  # officer | auxiliary
    steps: list[Step] = field(default_factory=list)
    state: str = "received"
    alerts: list[tuple[Alert, dt.datetime]] = field(default_factory=list)  # alert, emitted at
    tasks: list[tuple[str, dt.datetime, dt.datetime]] = field(default_factory=list)
    feedback: tuple[dt.datetime, int, bool, str, bool] | None = None  # at, rating, ok, note, reopen
    resolves: int = 0

    def at(self, kind: str) -> dt.datetime | None:
        """The last time an action of ``kind`` happened."""
        return next((s.at for s in reversed(self.steps) if s.action == kind), None)

    @property
    def clock_events(self) -> list[ClockEvent]:
        """The state-table actions, as the clocks read them."""
        return [ClockEvent(Action(s.action), s.at) for s in self.steps if s.kind == "action"]


class _Run:
    """Appends steps while they fall before ``now``."""

    def __init__(self, life: Life, now: dt.datetime, rng: random.Random) -> None:
        self.life, self.now, self.rng, self.t = life, now, rng, life.received_at
        self.stopped = False  # once a step falls after now, nothing later happens either

    def step(
        self,
        minutes: float,
        action: str,
        actor: str,
        to_state: str | None = None,
        *,
        kind: str = "action",
        reason: str = "",
        data: dict[str, Any] | None = None,
    ) -> bool:
        at = self.t + max(minutes, 0.05) * _MIN
        if self.stopped or at > self.now:
            self.stopped = True
            return False
        self.t = at
        state = to_state or self.life.state
        self.life.steps.append(Step(at, kind, action, actor, state, reason, data))
        self.life.state = state
        return True


def new_life(rng: random.Random, *, received_at: dt.datetime, category: str) -> Life:
    """An order as received and suggested (the officer may override the tier)."""
    description = rng.choice(text.DESCRIPTIONS[category])
    suggestion = suggest(
        TriageInput(
            category=category,
            description=description,
            elderly_involved=category == "missing_elderly",
        )
    )
    tier, override = suggestion.tier, None
    if rng.random() < 0.07:
        tier, override = _OTHER[suggestion.tier], rng.choice(text.OVERRIDE_REASONS)
    policy = policy_for(tier, DEFAULT_CATALOGUE.get(category))
    return Life(received_at, category, description, suggestion, tier, override, policy)


def simulate(rng: random.Random, life: Life, now: dt.datetime) -> Life:
    """Play the order's life forward until ``now``."""
    run = _Run(life, now, rng)
    r_min, c_min = life.policy.response_minutes, life.policy.completion_minutes
    if not run.step(
        rng.uniform(3, 25),
        "triage",
        "receiver",
        "triaged",
        reason=life.override_reason or "",
        data={"tier": str(life.tier)},
    ):
        # Not triaged yet: the provisional policy of the suggestion applies.
        life.policy = policy_for(life.suggestion.tier, DEFAULT_CATALOGUE.get(life.category))
        return _replay(life, now)
    fate = rng.random()
    if fate < 0.025:
        run.step(
            rng.uniform(2, 30), "reject", "receiver", "rejected", reason=text.REJECT_REASONS[0]
        )
        return _replay(life, now)
    if fate < 0.045:
        run.step(
            rng.uniform(2, 30),
            "transfer",
            "receiver",
            "transferred",
            reason=rng.choice(text.TRANSFER_REASONS),
            data={"to": "110"},
        )
        return _replay(life, now)
    life.assignee = "auxiliary" if rng.random() < 0.3 and life.tier != Tier.RED else "officer"
    run.step(rng.uniform(1, 12), "assign", "chief", "assigned", data={"to": life.assignee})
    if life.tier == Tier.RED:
        for dept in rng.sample(DEPARTMENTS, 3 + (rng.random() < 0.3)):
            due = run.t + dt.timedelta(hours=rng.choice((4, 12, 24)))
            if run.step(
                rng.uniform(1, 4),
                "task_added",
                "receiver",
                kind="task",
                reason=rng.choice(text.TASK_TEXT),
                data={"department": dept},
            ):
                life.tasks.append((dept, due, run.t))
    _respond(run, r_min)
    if life.state != "accepted" or not run.step(
        rng.uniform(0, 20), "start", "assignee", "in_progress"
    ):
        return _replay(life, now)
    _work_and_resolve(run, c_min)
    if life.state == "resolved":
        _after_resolve(run, c_min)
    return _replay(life, now)


def _respond(run: _Run, r_min: int) -> None:
    rng, elapsed = run.rng, (run.t - run.life.received_at) / _MIN
    late = rng.random() < 0.08
    target = r_min * (rng.uniform(1.05, 1.8) if late else rng.uniform(0.15, 0.85))
    wait = max(target - elapsed, 1.0)
    if rng.random() < 0.3:
        if not run.step(wait, "record_contact", "assignee", reason=rng.choice(text.CONTACT_NOTES)):
            return
        wait = rng.uniform(5, 60)
    run.step(wait, "accept", "assignee", "accepted")


def _work_and_resolve(run: _Run, c_min: int) -> None:
    rng, life = run.rng, run.life
    if life.policy.pausable and rng.random() < 0.1:
        if not run.step(
            rng.uniform(30, 0.2 * c_min),
            "hold",
            "assignee",
            "on_hold",
            reason=rng.choice(text.HOLD_REASONS),
        ):
            return
        if not run.step(rng.uniform(60, 480), "resume", "assignee", "in_progress"):
            return
    if rng.random() < 0.05:
        return  # a stalled order: still open, its deadline passing (the accountability report)
    counted = (run.t - life.received_at) / _MIN - _paused(life)
    late = rng.random() < 0.08
    target = c_min * (rng.uniform(1.02, 1.4) if late else rng.uniform(0.15, 0.9))
    confirmed = rng.random() < 0.85
    closure = {
        "summary": rng.choice(text.CLOSURES),
        "citizen_confirmed": confirmed,
        "contact_attempt_at": None,
    }
    if run.step(
        max(target - counted, 5.0), "resolve", "assignee", "resolved", data={"closure": closure}
    ):
        life.resolves += 1
        if not confirmed:
            closure["contact_attempt_at"] = run.t.isoformat()


def _paused(life: Life) -> float:
    hold = life.at("hold")
    resume = life.at("resume")
    return (resume - hold) / _MIN if hold and resume else 0.0


def _after_resolve(run: _Run, c_min: int) -> None:
    rng, life = run.rng, run.life
    resolved = run.t
    if rng.random() < 0.65:
        rating = rng.choices((5, 4, 3, 2, 1), (55, 25, 10, 6, 4))[0]
        ok = rating >= 3 and rng.random() < 0.95
        comment = rng.choice(text.FEEDBACK_COMMENTS[:2] if ok else text.FEEDBACK_COMMENTS[2:])
        if not run.step(
            rng.uniform(30, 72 * 60),
            "feedback",
            "citizen",
            kind="feedback",
            reason=comment,
            data={"rating": rating, "resolved": ok},
        ):
            return
        low = rating <= 2 or not ok
        life.feedback = (run.t, rating, ok, comment, low)
        if low:
            run.step(0.1, "reopen", "citizen", "assigned", reason="群众评价问题未解决")
            if run.step(rng.uniform(60, 24 * 60), "accept", "assignee", "accepted") and run.step(
                rng.uniform(5, 60), "start", "assignee", "in_progress"
            ):
                _work_and_resolve(run, c_min)
            return
        run.step(0.1, "close", "citizen", "closed", data={"citizen_confirmed": True})
        return
    window = resolved + dt.timedelta(days=7) - run.t
    run.step(window / _MIN + rng.uniform(0.5, 30), "close", "system", "closed")


def _replay(life: Life, now: dt.datetime) -> Life:
    """The alerts a minutely sweep would have written, with when it wrote them."""
    events = life.clock_events
    emitted: set[tuple[str, int]] = set()
    checkpoints = [e.at for e in events] + [now]
    for i, at in enumerate(checkpoints):
        for alert in due_alerts(life.policy, life.received_at, events[:i], at, emitted=emitted):
            emitted.add(alert.key)
            life.alerts.append((alert, min(alert.at + dt.timedelta(seconds=40), now)))
    return life
