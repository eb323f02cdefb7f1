"""Rollout use cases: import the plan (all rows or none) and move a station's status.

Every write goes through the ORM, so the automatic write audit records each row; a
summary event names the file. Status moves are also kept in ``rollout_moves`` with the
reason a step back needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.roles import role_term
from jingwu.accounts.scope import Principal, scoped, station_in_scope
from jingwu.audit import service as audit
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound, Term
from jingwu.evaluation.improvement import queries as improvement
from jingwu.fields import local_time_zone
from jingwu.importfiles import MalformedFile
from jingwu.org.models import Unit
from jingwu.rollout import planfile
from jingwu.rollout.models import RolloutMove, RolloutStation, RolloutTarget
from jingwu.rollout.plan import STATUS_LABELS, STATUSES, MoveRefused, check_move, rank
from jingwu.rollout.planfile import PlanRow, Problem

# Problems only the units can reveal (English message ids, translated by the catalogue).
UNIT_PROBLEM_MESSAGES = {
    "street": "no such street in your area",
    "station": "no such station in your area",
    "not_below": "a station does not belong to this street",
    "twice": "the same phase and street twice",
    "station_twice": "a station is named twice",
    "too_many": "more stations named than the target",
}
MAX_PLAN_BYTES = 2_000_000
# A station with open rectifications may not be verified nor designated.
GATED = frozenset({"verified", "demonstration"})
REFUSAL_MESSAGES = {
    "unknown": "Unknown status {status}.",
    "same": "The station is {status} already.",
    "skip": "A station moves one step at a time: from {current} the next step is {next}.",
    "role": "The role {role} may not move a station to {status}.",
    "reason": "Say why the station goes back to {status}.",
}


@dataclass(frozen=True)
class PlanImport:
    """What an import did."""

    rows: int
    targets: int
    stations: int


def today(now: dt.datetime) -> dt.date:
    """The local calendar day of ``now``."""
    return now.astimezone(local_time_zone()).date()


def _status(status: str) -> Term:
    return Term(status, STATUS_LABELS.get(status, status))


def _problem(reason: str) -> str:
    return planfile.PROBLEM_MESSAGES.get(reason) or UNIT_PROBLEM_MESSAGES[reason]


def _refuse(problems: list[Problem]) -> Invalid:
    problems = sorted(problems, key=lambda p: p.line)
    first = problems[0]
    reason = _problem(first.reason)
    fields: dict[str, str] = {}
    for p in problems:
        fields.setdefault(
            f"line {p.line}",
            planfile.PROBLEM_MESSAGES.get(p.reason) or UNIT_PROBLEM_MESSAGES[p.reason],
        )
    return Invalid(
        "Nothing imported: line {line}: {reason} {value} ({count} problem(s) in all).",
        params={
            "line": first.line,
            "reason": Term(first.reason, reason),
            "value": first.value,
            "count": len(problems),
        },
        fields=fields,
        code="plan_rejected",
    )


def _units(session: Session, principal: Principal, codes: set[str], kind: str) -> dict[str, Unit]:
    if not codes:
        return {}
    stmt = scoped(select(Unit), principal, Unit.id).where(
        Unit.short_code.in_(sorted(codes)), Unit.kind == kind
    )
    return {u.short_code: u for u in session.scalars(stmt)}


def _check_units(
    session: Session, principal: Principal, rows: list[PlanRow]
) -> tuple[dict[str, Unit], dict[str, Unit], list[Problem]]:
    streets = _units(session, principal, {r.street for r in rows}, "street")
    stations = _units(session, principal, {s for r in rows for s in r.stations}, "community")
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    named: set[str] = set()
    for r in rows:
        street = streets.get(r.street)
        if street is None:
            problems.append(Problem(r.line, "street", r.street))
            continue
        if (r.phase, r.street) in seen:
            problems.append(Problem(r.line, "twice", f"{r.phase} {r.street}"))
        seen.add((r.phase, r.street))
        if len(r.stations) > r.target:
            problems.append(Problem(r.line, "too_many", str(len(r.stations))))
        for code in r.stations:
            station = stations.get(code)
            if station is None:
                problems.append(Problem(r.line, "station", code))
            elif station.parent_id != street.id:
                problems.append(Problem(r.line, "not_below", code))
            elif code in named:
                problems.append(Problem(r.line, "station_twice", code))
            named.add(code)
    return streets, stations, problems


def import_plan(
    session: Session,
    principal: Principal,
    *,
    filename: str,
    content: bytes,
    now: dt.datetime,
    decided_on: dt.date | None = None,
) -> PlanImport:
    """Check a plan file (every row, every unit in the caller's scope) and store it, all or
    none: each row sets a street's target for a phase and, when it names stations, which
    stations are to become demonstration stations in that phase (replacing those named
    before for it; a station named for no phase any more keeps its status). Stations new to
    the plan are planned on ``decided_on`` (today by default)."""
    principal.require("rollout.plan")
    is_json = filename.lower().endswith(".json") or content.lstrip()[:1] in (b"[", b"{")
    try:
        rows, problems = planfile.read(content, is_json=is_json)
    except MalformedFile as exc:
        raise Invalid(
            "Nothing imported: not a well-formed plan file (line {line}).",
            params={"line": exc.line},
            fields={"file": "not a CSV or JSON plan"},
            code="plan_rejected",
        ) from None
    if not rows and not problems:
        raise Invalid("Nothing imported: the plan has no rows.", fields={"file": "empty"})
    streets, stations, unit_problems = _check_units(session, principal, rows)
    if problems or unit_problems:
        raise _refuse(problems + unit_problems)
    day = min(decided_on or today(now), today(now))
    for r in rows:
        street = streets[r.street]
        _set_target(session, street.id, r.phase, r.target, now)
        _name_stations(session, street, r.phase, [stations[c] for c in r.stations], day, now)
    audit.record(
        session,
        principal=principal,
        action="rollout.plan_imported",
        object_type="rollout_targets",
        object_id=filename[:120],
        unit_id=principal.unit_id,
        detail={"rows": len(rows), "stations": len(stations)},
        now=now,
    )
    session.flush()
    return PlanImport(rows=len(rows), targets=len(rows), stations=len(stations))


def _set_target(
    session: Session, street_id: int, phase: str, target: int, now: dt.datetime
) -> None:
    row = session.scalar(
        select(RolloutTarget).where(
            RolloutTarget.unit_id == street_id, RolloutTarget.phase == phase
        )
    )
    if row is None:
        session.add(RolloutTarget(unit_id=street_id, phase=phase, target=target, updated_at=now))
    elif row.target != target:
        row.target = target
        row.updated_at = now


def _name_stations(
    session: Session, street: Unit, phase: str, named: list[Unit], day: dt.date, now: dt.datetime
) -> None:
    ids = {u.id for u in named}
    below = select(Unit.id).where(Unit.parent_id == street.id)
    for row in session.scalars(
        select(RolloutStation).where(
            RolloutStation.phase == phase, RolloutStation.unit_id.in_(below)
        )
    ):
        if row.unit_id not in ids:
            row.phase = None
            row.updated_at = now
    existing = {
        r.unit_id: r
        for r in session.scalars(select(RolloutStation).where(RolloutStation.unit_id.in_(ids)))
    }
    for unit in named:
        found = existing.get(unit.id)
        if found is None:
            session.add(
                RolloutStation(
                    unit_id=unit.id, phase=phase, status="planned", planned_on=day, updated_at=now
                )
            )
        elif found.phase != phase:
            found.phase = phase
            found.updated_at = now


def plan_station(session: Session, principal: Principal, *, station: str) -> RolloutStation:
    """The station's place in the plan, if it is in the caller's scope and in the plan."""
    unit = station_in_scope(session, principal, station)
    row = (
        None
        if unit is None
        else session.scalar(select(RolloutStation).where(RolloutStation.unit_id == unit.id))
    )
    if row is None:
        raise NotFound("No station {station} in the rollout plan.", params={"station": station})
    return row


def move(
    session: Session,
    principal: Principal,
    *,
    station: str,
    status: str,
    now: dt.datetime,
    reason: str = "",
    on: dt.date | None = None,
) -> RolloutStation:
    """Move a station in the plan to ``status``: one step forward by the role the plan's
    table names, or back any number of steps with a reason. ``on`` (today by default) is
    the day it happened; it may not lie ahead, nor before the station's current status."""
    principal.require("rollout.status")
    row = plan_station(session, principal, station=station)
    day = on or today(now)
    reason = reason.strip()[:500]
    try:
        forward = check_move(role=principal.role, current=row.status, target=status, reason=reason)
    except MoveRefused as exc:
        raise _refusal(exc.reason, principal.role, row.status, status) from None
    if day > today(now):
        raise Invalid("The day may not lie ahead.", fields={"on": "in the future"})
    if forward and status in GATED:
        _check_unblocked(session, principal, row, status, day, now)
    since = getattr(row, f"{row.status}_on")
    if since is not None and day < since:
        raise Invalid(
            "The day may not lie before {day}, when the station became {status}.",
            params={"day": since.isoformat(), "status": _status(row.status)},
            fields={"on": "too early"},
        )
    session.add(
        RolloutMove(
            station_id=row.id,
            unit_id=row.unit_id,
            from_status=row.status,
            to_status=status,
            on_day=day,
            reason=reason,
            by_id=principal.user_id,
            at=now,
        )
    )
    if forward:
        setattr(row, f"{status}_on", day)
    else:
        for later in STATUSES[rank(status) + 1 :]:
            setattr(row, f"{later}_on", None)
    row.status = status
    row.updated_at = now
    session.flush()
    return row


def _check_unblocked(
    session: Session,
    principal: Principal,
    row: RolloutStation,
    status: str,
    day: dt.date,
    now: dt.datetime,
) -> None:
    """Refuse verification or designation while rectifications opened by ``day`` are open."""
    open_items = [
        r
        for r in improvement.open_rectifications(
            session, principal, now=now, unit_ids=[row.unit_id]
        )
        if r.opened_on <= day
    ]
    if open_items:
        raise Conflict(
            "The station has {count} open rectification(s): close them before it is {status}.",
            params={"count": len(open_items), "status": _status(status)},
            code="rectifications_open",
        )


def _refusal(code: str, role: str, current: str, status: str) -> Invalid | Forbidden:
    nxt = STATUSES[rank(current) + 1] if current in STATUSES and rank(current) < 4 else current
    params = {
        "status": _status(status),
        "current": _status(current),
        "next": _status(nxt),
        "role": role_term(role),
    }
    if code == "role":
        return Forbidden(REFUSAL_MESSAGES[code], params=params, code="forbidden_move")
    return Invalid(REFUSAL_MESSAGES[code], params=params, fields={"status": REFUSAL_MESSAGES[code]})


def too_large() -> Invalid:
    """The refusal of a plan file past the size a plan can have."""
    return Invalid(
        "Nothing imported: the plan file is larger than 2 MB.", fields={"file": "too large"}
    )
