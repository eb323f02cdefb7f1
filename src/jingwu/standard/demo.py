"""Demo seed: self-assessments at the demo chief's station (BS01), one verified, one rejected,
one awaiting the inspector; and a rectification of a failed requirement at a street station.

Everything goes through the services (audited, checked like a user's input); the scorecards
themselves are computed from the other domains' demo records.
"""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.accounts.service import load_principal
from jingwu.demodata import DemoContext
from jingwu.errors import DomainError
from jingwu.standard import assess, rectify, service
from jingwu.standard.verdicts import MET

ORDER = 95  # after the organisation, devices, orders, circles and the PDCA lists

STATION = "BS01"
# (requirement, claims met, note, evidence kinds, the inspector's decision or None)
ASSESSMENTS = (
    (
        "zone.reception_guide",
        True,
        "接待区已配AI语音导览和自助服务终端，验收合格。",
        ("photos", "acceptance"),
        "accept",
    ),
    (
        "zone.mediation_room",
        True,
        "调解室18㎡，心理干预室与法律服务站共用。",
        ("photos",),
        "reject",
    ),
    ("zone.accessibility", True, "无障碍专区配翻译机一台，支持8种语言。", ("photos",), None),
)


def _principal(session: Session, ctx: DemoContext, role: str) -> Principal | None:
    user_id = ctx.data.get("users", {}).get(role)
    return None if user_id is None else load_principal(session, user_id)


def _assessments(
    session: Session, ctx: DemoContext, chief: Principal, inspector: Principal
) -> None:
    for requirement, met, note, kinds, decision in ASSESSMENTS:
        row = assess.assess(
            session,
            chief,
            station=STATION,
            requirement_id=requirement,
            version="1.0",
            claims_met=met,
            note=note,
            now=ctx.now,
        )
        for kind in kinds:
            assess.attach(
                session,
                chief,
                ctx.runtime.blobs,
                assessment_id=row.id,
                evidence_kind=kind,
                stream=io.BytesIO(f"{requirement} {kind} 佐证（演示）\n".encode()),
                filename=f"{requirement}-{kind}.txt",
                media_type="text/plain",
                now=ctx.now,
            )
        if decision is not None:
            assess.verify(
                session,
                inspector,
                assessment_id=row.id,
                accept=decision == "accept",
                reason="" if decision == "accept" else "缺少平面图，无法核实调解室面积。",
                now=ctx.now,
            )


def _rectification(session: Session, ctx: DemoContext, street: Principal) -> None:
    """A rectification of the first failed measured requirement of the street's first station."""
    for card in service.scorecards(session, street, version="1.0", now=ctx.now):
        failed = [
            v for v in card.card.verdicts if v.status != MET and not v.requirement.self_assessed
        ]
        if card.unit.short_code == STATION or not failed:
            continue
        due = (ctx.now + dt.timedelta(days=45)).date()
        try:
            rectify.open_for(
                session,
                street,
                station=card.unit.short_code,
                requirement_id=failed[0].requirement.id,
                version="1.0",
                due=due,
                now=ctx.now,
            )
        except DomainError:  # no owner to give it to, a list already closed …: skip it
            continue
        return


def seed(session: Session, ctx: DemoContext) -> None:
    chief = _principal(session, ctx, "chief")
    inspector = _principal(session, ctx, "inspector")
    street = _principal(session, ctx, "street")
    if chief is None or inspector is None or street is None:
        return
    _assessments(session, ctx, chief, inspector)
    _rectification(session, ctx, street)
    session.flush()
