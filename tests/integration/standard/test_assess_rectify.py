"""Self-assessment with evidence, the inspector's verification, rectification to closure."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.audit.models import AuditEntry
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.evaluation.improvement import service as pdca
from jingwu.evaluation.improvement.models import PdcaItem
from jingwu.runtime import Runtime
from jingwu.standard import assess, rectify, service
from jingwu.standard.models import StandardVersionRow
from jingwu.standard.requirements import shipped, version_to_data
from jingwu.standard.verdicts import MET, NOT_MEASURABLE, NOT_MET
from tests.factories.accounts import make_user, principal
from tests.factories.org import NOW, make_tree

REQ = "zone.mediation_room"


def _verdict(session: Session, who, code: str, rid: str) -> str:  # type: ignore[no-untyped-def]
    card = service.scorecard_of(session, who, station=code, version="1.0", now=NOW)
    return next(v.status for v in card.card.verdicts if v.requirement.id == rid)


def _file(session: Session, who, runtime: Runtime, assessment_id: int, kind: str):  # type: ignore[no-untyped-def]
    return assess.attach(
        session,
        who,
        runtime.blobs,
        assessment_id=assessment_id,
        evidence_kind=kind,
        stream=io.BytesIO(b"%PDF-1.4 photo"),
        filename=f"{kind}.pdf",
        media_type="application/pdf",
        now=NOW,
    )


def test_the_chief_assesses_with_evidence_and_the_inspector_verifies(
    session: Session, runtime: Runtime
) -> None:
    t = make_tree(session)
    chief = principal(session, make_user(session, t["SA01"], "chief"))
    inspector = principal(session, make_user(session, t["D000"], "inspector"))
    assert _verdict(session, chief, "SA01", REQ) == NOT_MEASURABLE
    row = assess.assess(
        session,
        chief,
        station="SA01",
        requirement_id=REQ,
        version="1.0",
        claims_met=True,
        note="调解室已建成",
        now=NOW,
    )
    assert _verdict(session, chief, "SA01", REQ) == NOT_MEASURABLE  # awaiting verification
    _file(session, chief, runtime, row.id, "photos")
    with pytest.raises(Invalid, match="evidence the requirement names"):
        assess.verify(session, inspector, assessment_id=row.id, accept=True, reason="", now=NOW)
    _file(session, chief, runtime, row.id, "floor_plan")
    with pytest.raises(Forbidden):
        assess.verify(session, chief, assessment_id=row.id, accept=True, reason="", now=NOW)
    assess.verify(session, inspector, assessment_id=row.id, accept=True, reason="", now=NOW)
    assert _verdict(session, chief, "SA01", REQ) == MET
    with pytest.raises(Conflict):
        assess.verify(session, inspector, assessment_id=row.id, accept=False, reason="x", now=NOW)
    actions = set(
        session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("standard.%")))
    )
    assert {"standard.assessed", "standard.verified"} <= actions


def test_a_rejection_needs_a_reason_and_makes_the_requirement_not_met(session: Session) -> None:
    t = make_tree(session)
    chief = principal(session, make_user(session, t["SA01"], "chief"))
    inspector = principal(session, make_user(session, t["D000"], "inspector"))
    row = assess.assess(
        session,
        chief,
        station="SA01",
        requirement_id=REQ,
        version="1.0",
        claims_met=True,
        note="有",
        now=NOW,
    )
    with pytest.raises(Invalid, match="why"):
        assess.verify(session, inspector, assessment_id=row.id, accept=False, reason=" ", now=NOW)
    assess.verify(
        session, inspector, assessment_id=row.id, accept=False, reason="照片不清", now=NOW
    )
    assert _verdict(session, chief, "SA01", REQ) == NOT_MET


def test_a_chief_cannot_assess_another_station_or_a_measured_requirement(session: Session) -> None:
    t = make_tree(session)
    chief = principal(session, make_user(session, t["SA01"], "chief"))
    with pytest.raises(NotFound):
        assess.assess(
            session,
            chief,
            station="SB01",
            requirement_id=REQ,
            version="1.0",
            claims_met=True,
            note="x",
            now=NOW,
        )
    with pytest.raises(Invalid, match="measured"):
        assess.assess(
            session,
            chief,
            station="SA01",
            requirement_id="org4.floor_area",
            version="1.0",
            claims_met=True,
            note="x",
            now=NOW,
        )


def test_a_rectification_closes_only_with_the_named_evidence(
    session: Session, runtime: Runtime
) -> None:
    t = make_tree(session)
    make_user(session, t["SA02"], "chief")
    street = principal(session, make_user(session, t["SA00"], "street"))
    due = (NOW + dt.timedelta(days=30)).date()
    row = rectify.open_for(
        session,
        street,
        station="SA02",
        requirement_id="org4.floor_area",
        version="1.0",
        due=due,
        now=NOW,
    )
    item = session.get(PdcaItem, row.pdca_item_id)
    assert item is not None and item.kind == "rectification" and item.owner_id is not None
    with pytest.raises(Conflict):
        rectify.open_for(
            session,
            street,
            station="SA02",
            requirement_id="org4.floor_area",
            version="1.0",
            due=due,
            now=NOW,
        )
    with pytest.raises(Invalid, match="evidence its requirement names") as e:
        rectify.close(session, street, rectification_id=row.id, note="done", now=NOW)
    assert e.value.code == "evidence_missing"
    for stage in ("do", "check", "act"):
        pdca.move(session, street, item_id=item.id, to=stage, note="进行中", now=NOW)
    with pytest.raises(Conflict, match="closes from the station's scorecard"):
        pdca.move(session, street, item_id=item.id, to="done", note="x", now=NOW)
    with pytest.raises(Invalid, match="asks for"):
        rectify.attach(
            session,
            street,
            runtime.blobs,
            rectification_id=row.id,
            evidence_kind="photos",
            stream=io.BytesIO(b"x"),
            filename="a.jpg",
            media_type="image/jpeg",
            now=NOW,
        )
    rectify.attach(
        session,
        street,
        runtime.blobs,
        rectification_id=row.id,
        evidence_kind="floor_plan",
        stream=io.BytesIO(b"plan"),
        filename="plan.pdf",
        media_type="application/pdf",
        now=NOW,
    )
    rectify.close(session, street, rectification_id=row.id, note="已按平面图整改", now=NOW)
    assert item.done_at == NOW and row.closed_at == NOW


def test_a_met_requirement_opens_no_rectification(session: Session) -> None:
    t = make_tree(session)
    street = principal(session, make_user(session, t["SA00"], "street"))
    with pytest.raises(Conflict, match="nothing to rectify"):
        rectify.open_for(
            session,
            street,
            station="SA01",
            requirement_id="org4.floor_area",
            version="1.0",
            due=(NOW + dt.timedelta(days=9)).date(),
            now=NOW,
        )


def _bad(change) -> bytes:  # type: ignore[no-untyped-def]
    data = version_to_data(shipped("1.0"))
    data["version"] = "3.0"
    change(data)
    return json.dumps(data).encode()


def _req(data, rid: str):  # type: ignore[no-untyped-def]
    return next(r for r in data["requirements"] if r["id"] == rid)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _req(d, "org4.floor_area")["measure"]["params"].update(min=90),
            "above its maximum",
        ),
        (
            lambda d: _req(d, "org4.zone_shares")["measure"]["params"]["shares"].update(
                reception=35
            ),
            "add up to 105 %",
        ),
        (
            lambda d: _req(d, "org5.module_mix")["measure"]["params"]["shares"].update(dispute=20),
            "add up to 90 %",
        ),
        (lambda d: _req(d, "org3.ab_posts")["measure"]["params"].update(min=120), "above 100"),
        (lambda d: _req(d, "iot1.density")["measure"]["params"].update(min=-1), "negative"),
        (
            lambda d: _req(d, "iot1.classes")["measure"]["params"].update(classes=["telepathy"]),
            "unknown",
        ),
        (lambda d: _req(d, "org6.response").update(evidence=[]), "evidence"),
    ],
)
def test_an_inconsistent_version_is_refused_and_nothing_is_loaded(
    session: Session,
    change,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    t = make_tree(session)
    admin = principal(session, make_user(session, t["D000"], "admin"))
    with pytest.raises(Invalid, match=message):
        service.load(session, admin, content=_bad(change), now=NOW)
    assert session.scalar(select(func.count()).select_from(StandardVersionRow)) == 0


def test_a_loaded_version_is_offered_and_scored(session: Session) -> None:
    t = make_tree(session)
    admin = principal(session, make_user(session, t["D000"], "admin"))
    service.load(session, admin, content=_bad(lambda d: None), now=NOW)
    assert [v.version for v in service.versions(session)] == ["1.0", "2.0", "3.0"]
    with pytest.raises(Conflict):
        service.load(session, admin, content=_bad(lambda d: None), now=NOW)
    assert len(service.scorecards(session, admin, version="3.0", now=NOW)) == 3
