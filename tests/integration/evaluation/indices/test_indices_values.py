"""Entering and importing values, and catalogue versions: bad input refused, nothing stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Forbidden, Invalid
from jingwu.evaluation.catalogue import SEED
from jingwu.evaluation.indices import catalogues, valuecsv, values
from jingwu.evaluation.indices.models import CatalogueVersion, IndicatorValue
from tests.integration.evaluation.indices.indices_world import NOW
from tests.integration.workorders.wo_factory import World, make_world


@pytest.fixture
def w(session: Session) -> World:
    return make_world(session)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(IndicatorValue)) or 0


def test_an_entered_value_outside_its_range_is_refused(session: Session, w: World) -> None:
    with pytest.raises(Invalid) as err:
        values.enter(
            session,
            w.p["chief"],
            indicator="kpi.efficiency.training_transfer",
            station="SA01",
            period="2026-Q4",
            value=120.0,
            now=NOW,
        )
    assert err.value.fields == {"value": "value outside the indicator's range"}
    with pytest.raises(Invalid):  # computed by the platform: not entered
        values.enter(
            session,
            w.p["chief"],
            indicator="kpi.satisfaction.response",
            station="SA01",
            period="2026-11",
            value=50.0,
            now=NOW,
        )
    with pytest.raises(Invalid):  # another station's chief: not in scope
        values.enter(
            session,
            w.p["b_chief"],
            indicator="kpi.efficiency.training_transfer",
            station="SA01",
            period="2026-Q4",
            value=50.0,
            now=NOW,
        )
    with pytest.raises(Forbidden):
        values.enter(
            session,
            w.p["officer"],
            indicator="kpi.efficiency.training_transfer",
            station="SA01",
            period="2026-Q4",
            value=50.0,
            now=NOW,
        )
    assert _count(session) == 0


def test_a_file_with_bad_rows_names_each_line_and_stores_nothing(
    session: Session, w: World
) -> None:
    content = (
        b"indicator,station,period,value\n"
        b"kpi.efficiency.training_transfer,SA01,2026-Q4,80\n"
        b"kpi.no_such_thing,SA01,2026-Q4,80\n"
        b"kpi.efficiency.training_transfer,ZZ99,2026-Q4,80\n"
        b"kpi.efficiency.training_transfer,SA02,2026-Q4,180\n"
        b"kpi.efficiency.training_transfer,SA02,2026-11,80\n"
    )
    with pytest.raises(Invalid) as err:
        values.import_file(session, w.p["director"], filename="v.csv", content=content, now=NOW)
    assert err.value.fields == {
        "line 3": "unknown indicator",
        "line 4": "unknown station",
        "line 5": "value outside the indicator's range",
        "line 6": "period not of the indicator's frequency",
    }
    assert _count(session) == 0


def test_a_good_file_is_stored_with_its_name_digest_and_lines(session: Session, w: World) -> None:
    _, catalogue = catalogues.active(session, now=NOW)
    content = valuecsv.template(catalogue, station="SA01").encode()
    n = values.import_file(session, w.p["director"], filename="t.csv", content=content, now=NOW)
    rows = session.scalars(select(IndicatorValue)).all()
    assert n == len(rows) == 8
    assert {r.filename for r in rows} == {"t.csv"} and all(r.line and r.sha256 for r in rows)
    assert {r.origin for r in rows} == {"file"}


def test_the_seed_is_stored_on_first_use_and_an_edit_becomes_the_active_version(
    session: Session, w: World
) -> None:
    row, catalogue = catalogues.active(session, now=NOW)
    assert row.version == catalogue.version == "2026.1" and row.active
    data = json.loads(SEED.read_text())
    with pytest.raises(Conflict):
        catalogues.save(session, w.p["admin"], data=data, now=NOW)
    data["version"] = "2026.2"
    data["kpi"]["indices"][0]["components"][0]["weight"] = 25  # 105 % in all
    with pytest.raises(Invalid):
        catalogues.save(session, w.p["admin"], data=data, now=NOW)
    data["kpi"]["indices"][0]["components"][1]["weight"] = 25
    with pytest.raises(Forbidden):
        catalogues.save(session, w.p["director"], data=data, now=NOW)
    catalogues.save(session, w.p["admin"], data=data, now=NOW)
    row, catalogue = catalogues.active(session, now=NOW)
    assert (
        row.version == "2026.2" and catalogue.index("kpi.satisfaction").components[0].weight == 25
    )
    actives = session.scalars(select(CatalogueVersion).where(CatalogueVersion.active)).all()
    assert len(actives) == 1
