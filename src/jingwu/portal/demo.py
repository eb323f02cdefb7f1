"""Demo seed: a few public requests so that /portal/track has examples — one still in the
inbox, one taken in by 保俶 (BS01) station, one handled and waiting for a rating, one closed
and rated. They go through the same path as a citizen's: submit, intake, the officers'
actions, publish, the portal rating."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.models import User
from jingwu.demodata import DemoContext
from jingwu.org.models import Unit
from jingwu.portal import intake, ratings, service
from jingwu.portal.models import PublicInbox, PublishedRequest
from jingwu.workorders import service as workorders
from jingwu.workorders.schemas import ActionIn, ClosureIn

ORDER = 100  # after the work orders and the accounts

# token, category, description, how far it got
REQUESTS = (
    ("demo-track-closed1", "noise", "小区楼下烧烤摊每晚营业到凌晨，油烟和噪音扰民。", "rated"),
    ("demo-track-handled", "parking", "消防通道长期被私家车占用。", "resolved"),
    ("demo-track-accepted", "lost_documents", "在公交站附近遗失身份证。", "accepted"),
    ("demo-track-received", "neighbour", "邻居装修占用楼道堆放建材。", "received"),
)
STEPS = ("triage", "assign", "accept", "start", "resolve")


def _principal(session: Session, role: str) -> object:
    user = session.scalar(select(User).where(User.username == f"demo-{role}"))
    assert user is not None, "the accounts seed runs first"
    return accounts.load_principal(session, user.id)


def _act(session: Session, code: str, now: dt.datetime) -> None:
    officer, chief = _principal(session, "officer"), _principal(session, "chief")
    data = {
        "triage": ("officer", ActionIn(tier="yellow")),
        "assign": ("chief", ActionIn(assignee="demo-officer")),
        "accept": ("officer", ActionIn()),
        "start": ("officer", ActionIn()),
        "resolve": (
            "officer",
            ActionIn(closure=ClosureIn(summary="已现场处理并回访", citizen_confirmed=True)),
        ),
    }
    for i, action in enumerate(STEPS):
        who, body = data[action]
        workorders.act(
            session,
            officer if who == "officer" else chief,  # type: ignore[arg-type]
            code=code,
            action=action,
            data=body,
            now=now + dt.timedelta(hours=i + 1),
        )


def seed(session: Session, ctx: DemoContext) -> None:
    station = session.scalar(select(Unit).where(Unit.short_code == "BS01"))
    if station is None or station.lat is None or station.lon is None:
        return
    for i, (token, code, text, stage) in enumerate(REQUESTS):
        at = ctx.now - dt.timedelta(days=6 - i)
        service.submit(
            session,
            channel="portal",
            service_code=code,
            description=text,
            lat=station.lat,
            lon=station.lon,
            contact_phone=f"1390000{1000 + i}",
            now=at,
        )
        _retoken(session, service.published_list(session, limit=1)[0].token, token)
        if stage == "received":
            continue
        intake.intake_pending(session, blobs=None, now=at + dt.timedelta(minutes=5))
        pub = service.published(session, token=token)
        assert pub is not None and pub.service_request_id is not None
        if stage in ("resolved", "rated"):
            _act(session, pub.service_request_id, at + dt.timedelta(minutes=10))
        intake.publish(session, now=at + dt.timedelta(hours=8))
        if stage == "rated":
            later = at + dt.timedelta(hours=9)
            ratings.rate(
                session, token=token, rating=5, resolved=True, comment="处理及时", now=later
            )
            intake.ratings_pending(session, now=later)


def _retoken(session: Session, old: str, new: str) -> None:
    """Give a demo request a readable token (documented in docs/portal.md)."""
    inbox = session.scalar(select(PublicInbox).where(PublicInbox.token == old))
    pub = session.scalar(select(PublishedRequest).where(PublishedRequest.token == old))
    if inbox is not None and pub is not None:
        inbox.token = pub.token = new
    session.flush()
