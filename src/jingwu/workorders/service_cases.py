"""Mediation cases (WO-5): parties, mediator, sessions with minutes, agreement, follow-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.models import (
    FollowUp,
    Mediation,
    MediationParty,
    MediationSession,
    WorkOrder,
)
from jingwu.workorders.schemas import AgreementIn, MediationIn, SessionIn
from jingwu.workorders.service_core import actor_of, add_event, get_order
from jingwu.workorders.vocab import Actor, term

MEDIATION_ROLES = frozenset({Actor.OFFICER, Actor.AUXILIARY, Actor.CHIEF})
_MEDIATING_STATES = ("triaged", "assigned", "accepted", "in_progress", "on_hold")


def _check_role(principal: Principal) -> None:
    actor = actor_of(principal)
    if actor not in MEDIATION_ROLES:
        raise Forbidden(
            "The role {actor} may not run mediations; allowed: auxiliary, chief, officer.",
            params={"actor": term("actor", actor)},
            code="role_forbidden",
        )


def _mediator(session: Session, principal: Principal, username: str | None) -> tuple[int, str]:
    if not username:
        if principal.user_id is None:
            raise Invalid("Name the mediator.", fields={"mediator": "required"})
        name = session.scalar(select(User.display_name).where(User.id == principal.user_id))
        return principal.user_id, name or principal.username
    user = session.scalar(select(User).where(User.username == username, User.active))
    if user is None or user.unit_id is None:
        raise Invalid(
            "No user '{username}'.",
            params={"username": username},
            fields={"mediator": "unknown user"},
        )
    return user.id, user.display_name


def open_mediation(
    session: Session, principal: Principal, *, code: str, data: MediationIn, now: dt.datetime
) -> Mediation:
    """Open a mediation case on a dispute order that is being worked."""
    _check_role(principal)
    order = get_order(session, principal, code=code, for_update=True)
    if not DEFAULT_CATALOGUE.get(order.category).mediable:
        raise Conflict(
            "A {category} order is not a dispute to mediate.",
            params={"category": order.category},
            code="not_mediable",
        )
    if order.state not in _MEDIATING_STATES:
        raise Conflict(
            "Cannot mediate an order in state {state}.",
            params={"state": term("state", order.state)},
            code="wrong_state",
        )
    mediator_id, mediator_name = _mediator(session, principal, data.mediator)
    case = Mediation(
        order_id=order.id,
        unit_id=order.unit_id,
        mediator_id=mediator_id,
        mediator_name=mediator_name,
        status="open",
        subject=data.subject,
        opened_at=now,
        opened_by_id=principal.user_id,
    )
    session.add(case)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(
            "Work order {code} has a mediation already.", params={"code": order.code}
        ) from None
    for party in data.parties:
        session.add(
            MediationParty(
                mediation_id=case.id,
                unit_id=order.unit_id,
                side=party.side,
                name=party.name,
                phone=party.phone,
            )
        )
    add_event(
        session,
        order,
        principal,
        kind="mediation",
        action="mediation_opened",
        now=now,
        reason=data.subject,
        data={"mediator": mediator_name},
    )
    session.flush()
    return case


def _case(session: Session, principal: Principal, code: str) -> tuple[WorkOrder, Mediation]:
    order = get_order(session, principal, code=code)
    case = session.scalar(select(Mediation).where(Mediation.order_id == order.id))
    if case is None:
        raise NotFound("Work order {code} has no mediation.", params={"code": order.code})
    return order, case


def add_session(
    session: Session, principal: Principal, *, code: str, data: SessionIn, now: dt.datetime
) -> MediationSession:
    """Record a session and its minutes."""
    _check_role(principal)
    order, case = _case(session, principal, code)
    if case.status != "open":
        raise Conflict(
            "The mediation is {status}.",
            params={"status": term("status", case.status)},
            code="wrong_state",
        )
    if data.held_at.tzinfo is None or data.held_at > now:
        raise Invalid("A session is recorded after it was held.", fields={"held_at": "future"})
    row = MediationSession(
        mediation_id=case.id,
        unit_id=case.unit_id,
        held_at=data.held_at,
        place=data.place,
        minutes=data.minutes,
        recorded_by_id=principal.user_id,
    )
    session.add(row)
    add_event(
        session,
        order,
        principal,
        kind="mediation",
        action="mediation_session",
        now=now,
        reason=data.place,
    )
    session.flush()
    return row


def conclude(
    session: Session, principal: Principal, *, code: str, data: AgreementIn, now: dt.datetime
) -> Mediation:
    """Record the agreement (and schedule follow-up visits) or that mediation failed."""
    _check_role(principal)
    order, case = _case(session, principal, code)
    if case.status != "open":
        raise Conflict(
            "The mediation is {status} already.",
            params={"status": term("status", case.status)},
            code="wrong_state",
        )
    if data.outcome == "agreed":
        if not data.text.strip():
            raise Invalid("An agreement needs its terms.", fields={"text": "required"})
        if any(not 0 < d <= 365 for d in data.follow_up_days):
            raise Invalid(
                "Follow-ups fall 1 to 365 days later.", fields={"follow_up_days": "range"}
            )
        case.agreement_text, case.agreed_at = data.text, now
        for days in sorted(set(data.follow_up_days)):
            session.add(
                FollowUp(
                    mediation_id=case.id,
                    unit_id=case.unit_id,
                    due_at=now + dt.timedelta(days=days),
                    note="",
                )
            )
    case.status, case.ended_at = data.outcome, now
    add_event(
        session, order, principal, kind="mediation", action=f"mediation_{data.outcome}", now=now
    )
    session.flush()
    return case


def complete_follow_up(
    session: Session, principal: Principal, *, follow_up_id: int, note: str, now: dt.datetime
) -> FollowUp:
    """Record a follow-up visit as done."""
    _check_role(principal)
    follow = session.scalar(
        scoped(select(FollowUp), principal, FollowUp.unit_id).where(FollowUp.id == follow_up_id)
    )
    if follow is None:
        raise NotFound("No follow-up {follow_up_id}.", params={"follow_up_id": follow_up_id})
    if follow.done_at is not None:
        raise Conflict("This follow-up is recorded already.", code="wrong_state")
    if not note.strip():
        raise Invalid("Say what the visit found.", fields={"note": "required"})
    follow.done_at, follow.done_by_id, follow.note = now, principal.user_id, note.strip()
    session.flush()
    return follow


@dataclass
class CaseView:
    """A mediation with its parties, sessions and follow-ups."""

    order: WorkOrder
    case: Mediation
    parties: list[MediationParty]
    sessions: list[MediationSession]
    follow_ups: list[FollowUp]


def case_of(session: Session, principal: Principal, *, code: str) -> CaseView:
    """The mediation of an order (scoped)."""
    principal.require("workorders.mediations")
    order, case = _case(session, principal, code)
    parties = session.scalars(
        select(MediationParty)
        .where(MediationParty.mediation_id == case.id)
        .order_by(MediationParty.id)
    )
    sessions = session.scalars(
        select(MediationSession)
        .where(MediationSession.mediation_id == case.id)
        .order_by(MediationSession.held_at)
    )
    follows = session.scalars(
        select(FollowUp).where(FollowUp.mediation_id == case.id).order_by(FollowUp.due_at)
    )
    return CaseView(order, case, list(parties), list(sessions), list(follows))


def list_cases(
    session: Session, principal: Principal, *, status: str | None = None
) -> list[tuple[Mediation, str]]:
    """Mediations in scope with their order codes, newest first."""
    principal.require("workorders.mediations")
    stmt = scoped(select(Mediation, WorkOrder.code), principal, Mediation.unit_id).join(
        WorkOrder, WorkOrder.id == Mediation.order_id
    )
    if status:
        stmt = stmt.where(Mediation.status == status)
    return [(m, c) for m, c in session.execute(stmt.order_by(Mediation.opened_at.desc()))]


def follow_ups_due(
    session: Session, principal: Principal, *, now: dt.datetime
) -> list[tuple[FollowUp, str]]:
    """Follow-up visits not done yet whose day has come, with their order codes."""
    principal.require("workorders.mediations")
    stmt = (
        scoped(select(FollowUp, WorkOrder.code), principal, FollowUp.unit_id)
        .join(Mediation, Mediation.id == FollowUp.mediation_id)
        .join(WorkOrder, WorkOrder.id == Mediation.order_id)
        .where(FollowUp.done_at.is_(None), FollowUp.due_at <= now)
        .order_by(FollowUp.due_at)
    )
    return [(f, c) for f, c in session.execute(stmt)]
