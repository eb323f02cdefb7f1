"""Demo seed, second part: mediation cases, committed and revealed draws, notifications."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from jingwu.notifications.models import Notification
from jingwu.org.models import Unit
from jingwu.workorders import demo_text as text
from jingwu.workorders import draw as quota
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.demo_rows import GIVEN, SURNAMES, OrderRows
from jingwu.workorders.escalation import message_for
from jingwu.workorders.models import Draw, FollowUp, Mediation, MediationParty, MediationSession
from jingwu.workorders.reports import local_month, month_bounds

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
MAX_CASES = 18


def seed_cases(session: Session, rng: random.Random, rows: OrderRows, now: dt.datetime) -> None:
    """Mediation cases on worked dispute orders: parties, sessions, agreements, follow-ups."""
    candidates = [
        m
        for m in rows.made.values()
        if DEFAULT_CATALOGUE.get(m.life.category).mediable
        and m.life.at("start")
        and m.life.state in ("in_progress", "resolved", "closed")
    ]
    for made in candidates[-MAX_CASES:]:
        life, order = made.life, made.order
        opened = (life.at("start") or now) + H
        resolved = life.at("resolve")
        if opened > now or (resolved is not None and resolved < opened + 2 * H):
            continue
        mediator = order["assignee_id"]
        agreed = resolved - H if resolved else None
        case_id = session.execute(
            insert(Mediation).returning(Mediation.id),
            [
                {
                    "order_id": order["id"],
                    "unit_id": made.unit.id,
                    "mediator_id": mediator,
                    "mediator_name": rows.people.names.get(mediator or 0, "调解员"),
                    "status": "agreed" if agreed else "open",
                    "subject": life.description,
                    "opened_at": opened,
                    "opened_by_id": mediator,
                    "agreement_text": (
                        rng.choice(text.AGREEMENTS[life.category]) if agreed else None
                    ),
                    "agreed_at": agreed,
                    "ended_at": agreed,
                }
            ],
        ).scalar_one()
        _parties(session, rng, case_id, made.unit.id)
        _sessions(session, rng, case_id, made.unit.id, mediator, opened, agreed or now)
        if agreed:
            _follow_ups(session, rng, case_id, made.unit.id, agreed, now)


def _parties(session: Session, rng: random.Random, case_id: int, unit_id: int) -> None:
    session.execute(
        insert(MediationParty),
        [
            {
                "mediation_id": case_id,
                "unit_id": unit_id,
                "side": side,
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "phone": f"13{rng.randrange(10**9):09d}" if side == "applicant" else None,
            }
            for side in ("applicant", "respondent")
        ],
    )


def _sessions(
    session: Session,
    rng: random.Random,
    case_id: int,
    unit_id: int,
    mediator: int | None,
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    count = 1 + (rng.random() < 0.5)
    span = (end - start) / (count + 1)
    session.execute(
        insert(MediationSession),
        [
            {
                "mediation_id": case_id,
                "unit_id": unit_id,
                "held_at": start + span * (k + 1),
                "place": "警务室调解室",
                "minutes": rng.choice(text.SESSION_MINUTES),
                "recorded_by_id": mediator,
            }
            for k in range(count)
        ],
    )


def _follow_ups(
    session: Session,
    rng: random.Random,
    case_id: int,
    unit_id: int,
    agreed: dt.datetime,
    now: dt.datetime,
) -> None:
    rows = []
    for days in (7, 30):
        due = agreed + days * D
        done = due < now - D and rng.random() < 0.8
        rows.append(
            {
                "mediation_id": case_id,
                "unit_id": unit_id,
                "due_at": due,
                "done_at": due + 3 * H if done else None,
                "note": "已回访，协议已履行" if done else "",
            }
        )
    session.execute(insert(FollowUp), rows)


def _month_start(month: str) -> dt.datetime:
    return month_bounds(month)[0]


def seed_draws(
    session: Session, rng: random.Random, rows: OrderRows, stations: list[Unit], now: dt.datetime
) -> None:
    """For each station: last month committed and drawn, this and next month committed."""
    this = local_month(now)
    last = local_month(_month_start(this) - H)
    following = local_month(month_bounds(this)[1] + H)
    out = []
    for unit in stations:
        for month in (last, this, following):
            start, end = month_bounds(month)
            seed = f"{rng.getrandbits(256):064x}"
            committed = min(start - 2 * D, now - H)
            row: dict[str, Any] = {
                "unit_id": unit.id,
                "month": month,
                "commitment": quota.commit(seed),
                "seed": seed,
                "committed_at": committed,
                "committed_by_id": None,
            }
            if end <= now:
                codes = sorted(
                    code
                    for code, m in rows.made.items()
                    if m.unit.id == unit.id
                    and m.order["tier"] == "orange"
                    and m.order["resolved_at"] is not None
                    and start <= m.order["resolved_at"] < end
                    and m.order["state"] in ("resolved", "closed")
                )
                result = quota.draw(seed, codes)
                row.update(
                    revealed_at=end + 2 * H,
                    population=result.population,
                    codes=codes,
                    reinspection=list(result.reinspection),
                    home_visit=list(result.home_visit),
                )
            out.append(row)
    session.execute(insert(Draw), out)


def seed_notifications(
    session: Session, rows: OrderRows, demo_users: dict[str, int], now: dt.datetime
) -> None:
    """What the demo accounts were told by the sweep: warnings, breaches, escalations."""
    wanted = set(demo_users.values())
    out = []
    made_by_id = {m.order["id"]: m for m in rows.made.values()}
    for alert in rows.alerts:
        made = made_by_id[alert["order_id"]]
        order = made.order
        who = {order["responsible_id"]}
        roles = rows.people.station[made.unit.id]
        if "chief" in alert["recipients"]:
            who.add(roles.get("chief"))
        if "street" in alert["recipients"] and made.unit.short_code.startswith("BS"):
            who.add(demo_users.get("street"))
        if "director" in alert["recipients"]:
            who.add(demo_users.get("director"))
        for uid in who & wanted:
            out.append(
                {
                    "user_id": uid,
                    "kind": "wo.breach" if alert["percent"] >= 100 else "wo.warning",
                    "message": message_for(alert["clock"], alert["percent"]),
                    "params": {"code": order["code"], "percent": alert["percent"]},
                    "link": f"/work-orders/{order['code']}",
                    "created_at": alert["emitted_at"],
                    "read_at": alert["emitted_at"] + H if alert["emitted_at"] < now - D else None,
                }
            )
    if out:
        session.execute(insert(Notification), out)
