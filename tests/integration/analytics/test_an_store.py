"""The incident store: imports place rows in stations or the district, are idempotent by
id, and need a role and a district in scope."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.analytics.models import Incident
from jingwu.analytics.parse import parse_incidents
from jingwu.analytics.service_incidents import import_table
from jingwu.audit.models import AuditEntry
from jingwu.errors import Forbidden, Invalid
from tests.factories.org import make_unit
from tests.integration.analytics.an_world import NOW, make_world

HEADER = "id,category,occurred_at,lat,lon"
ROWS = [
    "a1,theft,2026-11-01T08:00:00+08:00,30.205,120.105",  # SA01
    "a2,theft,2026-11-02T09:00:00Z,30.205,120.115",  # SA02
    "a3,fraud,2026-11-03T10:00:00+08:00,30.205,120.125",  # SB01
    "a4,dispute,2026-11-04T11:00:00+08:00,30.30,120.30",  # outside every station
]


def table(*rows: str) -> object:
    return parse_incidents([HEADER, *rows]).require_clean()


def units_of(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Incident.ref, Incident.unit_id)).all())


def test_rows_go_to_their_station_or_else_the_district(session: Session) -> None:
    w = make_world(session)
    done = import_table(
        session, SYSTEM, table=table(*ROWS), source="import", district=None, now=NOW
    )  # type: ignore[arg-type]
    assert (done.rows, done.added, done.existing, done.in_stations) == (4, 4, 0, 3)
    assert units_of(session) == {
        "a1": w.units["SA01"].id, "a2": w.units["SA02"].id,
        "a3": w.units["SB01"].id, "a4": w.units["D000"].id,
    }  # fmt: skip
    event = session.scalar(select(AuditEntry).where(AuditEntry.action == "incidents.import"))
    assert event is not None and event.detail == {"rows": 4, "added": 4}


def test_importing_the_same_ids_again_adds_nothing_and_new_ids_are_added(
    session: Session,
) -> None:
    make_world(session)
    import_table(session, SYSTEM, table=table(*ROWS[:2]), source="import", district=None, now=NOW)  # type: ignore[arg-type]
    again = import_table(
        session, SYSTEM, table=table(*ROWS), source="import", district=None, now=NOW
    )  # type: ignore[arg-type]
    assert (again.added, again.existing) == (2, 2)
    assert session.scalar(select(func.count()).select_from(Incident)) == 4
    other = import_table(
        session, SYSTEM, table=table(ROWS[0]), source="city", district=None, now=NOW
    )  # type: ignore[arg-type]
    assert other.added == 1  # the same id in another source is another incident


def test_the_stored_incident_keeps_its_times_and_category(session: Session) -> None:
    make_world(session)
    rows = parse_incidents(
        [HEADER + ",reported_at", ROWS[0] + ",2026-11-01T09:30:00+08:00", ROWS[1] + ","]
    ).require_clean()
    import_table(session, SYSTEM, table=rows, source="import", district=None, now=NOW)
    first = session.scalar(select(Incident).where(Incident.ref == "a1"))
    second = session.scalar(select(Incident).where(Incident.ref == "a2"))
    assert first is not None and second is not None
    assert first.occurred_at.isoformat() == "2026-11-01T00:00:00+00:00"
    assert (
        first.reported_at is not None
        and first.reported_at.isoformat() == "2026-11-01T01:30:00+00:00"
    )
    assert second.reported_at is None and np.isclose(second.lon, 120.115)


def test_an_officer_may_not_import(session: Session) -> None:
    w = make_world(session, roles=(("officer-a", "SA01", "officer"),))
    with pytest.raises(Forbidden):
        import_table(session, w.p["officer-a"], table=table(*ROWS), source="import",
                     district=None, now=NOW)  # type: ignore[arg-type]  # fmt: skip
    assert session.scalar(select(func.count()).select_from(Incident)) == 0


def test_with_two_districts_the_fallback_must_be_named_and_in_scope(session: Session) -> None:
    w = make_world(session, roles=(("director-a", "D000", "director"),))
    make_unit(session, "district", "E000", lon=121.0, lat=31.0)
    with pytest.raises(Invalid, match="--unit"):
        import_table(session, SYSTEM, table=table(*ROWS), source="import", district=None,
                     now=NOW)  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(Invalid, match="No district 'E000' in your scope"):
        import_table(session, w.p["director-a"], table=table(*ROWS), source="import",
                     district="E000", now=NOW)  # type: ignore[arg-type]  # fmt: skip
    done = import_table(session, SYSTEM, table=table(*ROWS), source="import", district="e000",
                        now=NOW)  # type: ignore[arg-type]  # fmt: skip
    assert done.added == 4


def test_ids_or_categories_too_long_to_store_are_refused(session: Session) -> None:
    make_world(session)
    long = "x" * 65 + ",theft,2026-11-01T08:00:00+08:00,30.205,120.105"
    with pytest.raises(Invalid, match="longer than 64"):
        import_table(session, SYSTEM, table=table(long), source="import", district=None, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(Invalid, match="source"):
        import_table(session, SYSTEM, table=table(ROWS[0]), source="workorder", district=None,
                     now=NOW)  # type: ignore[arg-type]  # fmt: skip
