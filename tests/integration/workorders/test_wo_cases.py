from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jingwu.blobs.store import DirectoryBlobStore
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.security import keys
from jingwu.workorders import draw as quota
from jingwu.workorders import service_cases, service_draws, service_feedback, service_files
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.schemas import AgreementIn, FeedbackIn, MediationIn, PartyIn, SessionIn
from tests.integration.workorders.wo_factory import NOW, World, closure, make_world, new_order, step

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def _worked(session: Session, w: World, **over: object) -> WorkOrder:
    o = new_order(session, w, **over)  # type: ignore[arg-type]
    step(session, w, o, "triage", "officer", NOW, tier=o.suggested_tier)
    step(session, w, o, "assign", "officer", NOW, assignee="officer")
    step(session, w, o, "accept", "officer", NOW + H * 0.5)
    step(session, w, o, "start", "officer", NOW + H * 0.5)
    return o


def _mediation() -> MediationIn:
    return MediationIn(
        subject="楼上漏水损坏楼下吊顶",
        parties=[
            PartyIn(side="applicant", name="李四", phone="13900001111"),
            PartyIn(side="respondent", name="王五"),
        ],
    )


def test_a_dispute_is_mediated_to_an_agreement_with_follow_ups(session: Session) -> None:
    w = make_world(session)
    o = _worked(session, w, category="neighbour", description="邻居漏水纠纷")
    service_cases.open_mediation(
        session, w.p["officer"], code=o.code, data=_mediation(), now=NOW + H
    )
    service_cases.add_session(
        session,
        w.p["officer"],
        code=o.code,
        data=SessionIn(held_at=NOW + H * 20, place="调解室", minutes="双方陈述，初步同意赔偿"),
        now=NOW + H * 21,
    )
    service_cases.conclude(
        session,
        w.p["officer"],
        code=o.code,
        data=AgreementIn(outcome="agreed", text="王五赔偿李四 800 元", follow_up_days=[7, 30]),
        now=NOW + H * 22,
    )
    view = service_cases.case_of(session, w.p["chief"], code=o.code)
    assert view.case.status == "agreed" and len(view.sessions) == 1
    assert [f.due_at for f in view.follow_ups] == [NOW + H * 22 + D * 7, NOW + H * 22 + D * 30]
    raw = session.execute(text("SELECT name FROM wo_mediation_parties")).scalars().all()
    assert all(v.startswith("v1.") for v in raw)
    due = service_cases.follow_ups_due(session, w.p["officer"], now=NOW + D * 8)
    assert [c for _, c in due] == [o.code]
    service_cases.complete_follow_up(
        session,
        w.p["officer"],
        follow_up_id=due[0][0].id,
        note="已回访，协议已履行",
        now=NOW + D * 8,
    )
    assert service_cases.follow_ups_due(session, w.p["officer"], now=NOW + D * 8) == []


def test_only_disputes_are_mediated_and_only_once(session: Session) -> None:
    w = make_world(session)
    theft = _worked(session, w, category="theft", description="电动车被盗")
    with pytest.raises(Conflict, match="not a dispute"):
        service_cases.open_mediation(
            session, w.p["officer"], code=theft.code, data=_mediation(), now=NOW + H
        )
    o = _worked(session, w, category="neighbour", description="邻居纠纷")
    service_cases.open_mediation(
        session, w.p["officer"], code=o.code, data=_mediation(), now=NOW + H
    )
    with pytest.raises(Conflict, match="already"):
        service_cases.open_mediation(
            session, w.p["officer"], code=o.code, data=_mediation(), now=NOW + H
        )


def test_mediations_of_another_community_are_invisible(session: Session) -> None:
    w = make_world(session)
    o = _worked(session, w, category="neighbour", description="邻居纠纷")
    service_cases.open_mediation(
        session, w.p["officer"], code=o.code, data=_mediation(), now=NOW + H
    )
    with pytest.raises(NotFound):
        service_cases.case_of(session, w.p["b_officer"], code=o.code)
    assert service_cases.list_cases(session, w.p["b_officer"]) == []
    assert len(service_cases.list_cases(session, w.p["street"])) == 1


def test_the_draw_is_committed_before_the_month_and_meets_both_shares(session: Session) -> None:
    w = make_world(session)
    seed = "a-published-later-seed-0123456789"
    with pytest.raises(Forbidden):
        service_draws.commit_draw(session, w.p["chief"], station="SA01", month="2026-12", now=NOW)
    with pytest.raises(Conflict, match="before the month"):
        service_draws.commit_draw(session, w.p["street"], station="SA01", month="2026-11", now=NOW)
    row = service_draws.commit_draw(
        session, w.p["street"], station="SA01", month="2026-12", now=NOW, seed=seed
    )
    assert row.commitment == quota.commit(seed) and service_draws.published_seed(row) is None
    codes = []
    for k in range(13):
        o = _worked(session, w, category="neighbour", description="邻居纠纷", address=f"{k}号")
        o.received_at = o.resolved_at = dt.datetime(2026, 12, 2 + k, 2, tzinfo=dt.UTC)
        o.state, o.tier = "resolved", "orange"
        codes.append(o.code)
    session.flush()
    with pytest.raises(Conflict, match="once the month is over"):
        service_draws.reveal_draw(session, w.p["street"], station="SA01", month="2026-12",
                                  now=dt.datetime(2026, 12, 20, tzinfo=dt.UTC))  # fmt: skip
    done = service_draws.reveal_draw(session, w.p["street"], station="SA01", month="2026-12",
                                     now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    assert done.population == 13
    assert len(done.reinspection or []) == 4 and len(done.home_visit or []) == 3  # ceil 30 %, 20 %
    again = quota.draw(seed, list(reversed(codes)))
    assert list(again.reinspection) == done.reinspection
    assert list(again.home_visit) == done.home_visit


def test_attachments_go_to_the_blob_store_and_stay_in_scope(session: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = make_world(session)
    blobs = DirectoryBlobStore(tmp_path / "blobs", keys.current())
    o = new_order(session, w)
    att = service_files.add_attachment(
        session, w.p["officer"], blobs, code=o.code, stream=io.BytesIO(b"photo bytes"),
        filename="现场.jpg", media_type="image/jpeg", now=NOW,
    )  # fmt: skip
    row, chunks = service_files.read_attachment(
        session, w.p["chief"], blobs, code=o.code, attachment_id=att.id
    )
    assert b"".join(chunks) == b"photo bytes" and row.size == 11
    with pytest.raises(NotFound):
        service_files.read_attachment(
            session, w.p["b_officer"], blobs, code=o.code, attachment_id=att.id
        )


def _rate(
    session: Session, o: WorkOrder, rating: int, resolved: bool, token: str, now: dt.datetime
) -> None:
    data = FeedbackIn(rating=rating, resolved=resolved, token=token)
    service_feedback.submit(session, None, code=o.code, data=data, now=now)


def test_a_good_rating_by_link_closes_and_a_low_one_reopens(session: Session) -> None:
    w = make_world(session)
    good, bad = _worked(session, w), _worked(session, w)
    for o in (good, bad):
        step(session, w, o, "resolve", "officer", NOW + H * 3, closure=closure())
    tok = service_feedback.feedback_token(good)
    _rate(session, good, 5, True, tok, NOW + H * 5)
    assert good.state == "closed"
    with pytest.raises(Conflict):
        _rate(session, good, 1, False, tok, NOW + H * 6)
    service_feedback.submit(session, w.p["auxiliary"], code=bad.code,
                            data=FeedbackIn(rating=2, resolved=False, comment="还在漏水"),
                            now=NOW + H * 6)  # fmt: skip
    assert bad.state == "assigned"


def test_a_feedback_link_is_bound_to_its_order_and_expires(session: Session) -> None:
    w = make_world(session)
    a, b = _worked(session, w), _worked(session, w)
    for o in (a, b):
        step(session, w, o, "resolve", "officer", NOW + H * 3, closure=closure())
    tok = service_feedback.feedback_token(a)
    with pytest.raises(Forbidden):
        _rate(session, b, 5, True, tok, NOW + H * 4)
    with pytest.raises(Forbidden, match="expired"):
        _rate(session, a, 5, True, tok, NOW + D * 9)
    with pytest.raises(Forbidden):
        _rate(session, a, 5, True, tok[:-1] + "0", NOW + H * 4)
    assert session.scalar(select(WorkOrder.state).where(WorkOrder.id == a.id)) == "resolved"


def test_overdue_records_are_handled_once_by_a_supervisor(session: Session) -> None:
    from jingwu.workorders.models import OverdueRecord
    from jingwu.workorders.sweep import sweep_batch

    w = make_world(session)
    new_order(session, w)
    sweep_batch(session, now=NOW + D * 3)
    record = session.scalars(select(OverdueRecord)).first()
    assert record is not None
    with pytest.raises(Forbidden):
        service_files.handle_overdue(
            session, w.p["officer"], record_id=record.id, note="x", now=NOW
        )
    with pytest.raises(Invalid):
        service_files.handle_overdue(session, w.p["chief"], record_id=record.id, note=" ", now=NOW)
    service_files.handle_overdue(session, w.p["chief"], record_id=record.id, note="已约谈", now=NOW)
    assert record.handled_at == NOW


def test_draws_are_listed_and_made_only_within_the_scope(session: Session) -> None:
    w = make_world(session)
    service_draws.commit_draw(session, w.p["street"], station="SA01", month="2026-12", now=NOW)
    service_draws.commit_draw(session, w.p["b_street"], station="SB01", month="2026-12", now=NOW)
    assert [u.short_code for _, u in service_draws.list_draws(session, w.p["street"])] == ["SA01"]
    assert len(service_draws.list_draws(session, w.p["director"])) == 2
    assert service_draws.list_draws(session, w.p["b_officer"])[0][1].short_code == "SB01"
    with pytest.raises(Invalid):
        service_draws.commit_draw(session, w.p["street"], station="SB01", month="2027-01", now=NOW)
