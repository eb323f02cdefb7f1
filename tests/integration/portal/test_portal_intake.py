"""portal.intake and portal.publish: inbox rows become online orders (same triage), their
public status flows back in fixed phrases, and portal ratings become WO-6 feedback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.blobs.store import DirectoryBlobStore
from jingwu.portal import intake, service
from jingwu.portal.models import PublicInbox, PublicRating
from jingwu.portal.ratings import COMMENT_CONTEXT
from jingwu.portal.sealing import seal
from jingwu.portal.sealkeys import public_key
from jingwu.security.keys import Keyring
from jingwu.workorders import service as workorders
from jingwu.workorders.models import Attachment, Feedback, WorkOrder
from tests.integration.workorders.wo_factory import closure, make_world, step

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
JPEG = b"\xff\xd8\xff\xe0" + b"1" * 64


def _submit(session: Session, **kw: object) -> str:
    args: dict[str, object] = {
        "channel": "portal",
        "service_code": "noise",
        "description": "楼上深夜装修噪音",
        "lat": 30.205,  # inside SA02's square
        "lon": 120.115,
        "contact_phone": "13812345678",
        "now": NOW,
    }
    args.update(kw)
    return service.submit(session, **args).token  # type: ignore[arg-type]


def test_an_inbox_row_becomes_an_online_order_once(
    session: Session, tmp_path: Path, keyring: Keyring
) -> None:
    w = make_world(session)
    blobs = DirectoryBlobStore(tmp_path / "blobs", keyring)
    token = _submit(session, photos=[JPEG], source_ref="12345-0001", contact_name="张三")
    report = intake.intake_pending(session, blobs=blobs, now=NOW + H)
    assert (report.done, report.failed) == (1, 0)
    assert intake.intake_pending(session, blobs=blobs, now=NOW + 2 * H).done == 0
    row = session.scalar(select(PublicInbox).where(PublicInbox.token == token))
    assert row is not None and row.processed_at == NOW + H and row.error is None
    order = session.scalar(select(WorkOrder).where(WorkOrder.code == row.order_code))
    assert order is not None
    assert (order.channel, order.unit_id, order.source_ref) == (
        "online",
        w.units["SA02"].id,
        "12345-0001",
    )
    assert order.reporter_phone == "13812345678" and order.reporter_name == "张三"
    assert order.suggested_tier and order.state == "received"
    assert session.scalar(select(Attachment.size).where(Attachment.order_id == order.id)) == len(
        JPEG
    )
    pub = service.published(session, token=token)
    assert pub is not None and pub.service_request_id == order.code
    assert pub.agency_responsible == w.units["SA02"].name
    assert [e["step"] for e in pub.timeline] == ["received", "accepted"]
    for personal in ("13812345678", "张三", "装修"):
        assert personal not in repr(vars(pub))


def test_a_row_that_cannot_become_an_order_keeps_its_error(session: Session) -> None:
    make_world(session)
    token = _submit(session)
    row = session.scalar(select(PublicInbox).where(PublicInbox.token == token))
    assert row is not None
    row.sealed = seal(public_key(), b"{}", "another.context")
    report = intake.intake_pending(session, blobs=None, now=NOW)
    assert (report.done, report.failed) == (0, 1)
    assert row.processed_at == NOW and row.error and row.order_code is None


def test_the_public_follows_the_order_to_closure_and_rates_it(session: Session) -> None:
    w = make_world(session)
    token = _submit(session, lat=30.205, lon=120.105)  # SA01
    intake.intake_pending(session, blobs=None, now=NOW)
    pub = service.published(session, token=token)
    assert pub is not None and pub.service_request_id
    order = workorders.get_order(session, w.p["officer"], code=pub.service_request_id)
    step(session, w, order, "triage", "officer", NOW + 0.1 * H, tier="yellow")
    step(session, w, order, "assign", "chief", NOW + 0.2 * H, assignee="auxiliary")
    step(session, w, order, "accept", "auxiliary", NOW + 0.3 * H)
    step(session, w, order, "start", "auxiliary", NOW + 0.4 * H)
    assert intake.publish(session, now=NOW + H) == 1
    assert intake.publish(session, now=NOW + H) == 0
    assert pub.status == "open" and pub.timeline[-1]["step"] == "in_progress"
    step(session, w, order, "resolve", "auxiliary", NOW + 2 * H, closure=closure())
    step(session, w, order, "close", "officer", NOW + 3 * H, citizen_confirmed=True)
    intake.publish(session, now=NOW + 3 * H)
    assert (pub.status, pub.status_notes) == ("closed", "Finished; thank you for your report.")
    assert [e["step"] for e in pub.timeline][-1] == "closed"
    session.add(
        PublicRating(
            token=token,
            rating=5,
            resolved=True,
            sealed_comment=seal(public_key(), "谢谢民警".encode(), COMMENT_CONTEXT),
            received_at=NOW + 4 * H,
        )
    )
    session.flush()
    assert intake.ratings_pending(session, now=NOW + 5 * H).done == 1
    fb = session.scalar(select(Feedback).where(Feedback.order_id == order.id))
    assert fb is not None and (fb.rating, fb.via, fb.comment) == (5, "link", "谢谢民警")
    assert pub.rated and pub.status == "closed"
    assert intake.ratings_pending(session, now=NOW + 6 * H).done == 0


def test_the_sms_feedback_link_points_to_the_portal_and_its_rating_is_recorded(
    session: Session,
) -> None:
    from jingwu.notifications.models import Delivery
    from jingwu.portal import ratings
    from tests.integration.workorders.wo_factory import new_order

    w = make_world(session)
    order = new_order(session, w, now=NOW)
    step(session, w, order, "triage", "officer", NOW, tier="yellow")
    step(session, w, order, "assign", "chief", NOW, assignee="auxiliary")
    step(session, w, order, "accept", "auxiliary", NOW)
    step(session, w, order, "start", "auxiliary", NOW)
    step(session, w, order, "resolve", "auxiliary", NOW + H, closure=closure())
    sent = session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    assert sent is not None and sent.params["link"].startswith("/portal/feedback/")
    link = sent.params["link"].removeprefix("/portal/feedback/")
    assert ratings.link_order(link, now=NOW + 2 * H) == order.code
    ratings.rate_link(
        session, feedback_token=link, rating=5, resolved=True, comment="", now=NOW + 2 * H
    )
    assert intake.ratings_pending(session, now=NOW + 3 * H).done == 1
    assert order.state == "closed"  # a good rating with "solved" confirms and closes
