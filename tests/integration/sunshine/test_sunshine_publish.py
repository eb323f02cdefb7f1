"""The publication job against planted orders: exact counts, withheld cells absent, the
evidence entry written, and no new version when nothing changed."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.evidence import proofs, sequencer
from jingwu.evidence.models import EvidenceEntry, EvidenceItem
from jingwu.sunshine import queries, service
from jingwu.sunshine.dataset import sha256_hex
from jingwu.sunshine.models import SunshineCell, SunshineVersion
from jingwu.workorders.models import Feedback
from tests.integration.evaluation.indices.indices_world import NOV, order
from tests.integration.workorders.wo_factory import World, make_world

# A week into December (Shanghai): November is over and past the grace days, so published.
NOW = dt.datetime(2026, 12, 8, 2, 0, tzinfo=dt.UTC)


def planted(session: Session) -> World:
    """November 2026: SA01 gets 12 noise (yellow) + 3 theft (red) + 6 theft (yellow);
    SA02 gets 2 noise (yellow). All closed; SA01's noise orders are rated 4 or 5."""
    w = make_world(session)
    hour = dt.timedelta(hours=1)
    for n in range(12):
        o = order(session, w, "SA01", at=NOV + n * hour, category="noise")
        session.add(
            Feedback(
                order_id=o.id,
                unit_id=o.unit_id,
                round=1,
                via="link",
                rating=4 + n % 2,
                resolved=True,
                at=NOV + dt.timedelta(days=1),
            )
        )
    for n in range(3):
        order(session, w, "SA01", at=NOV + n * hour, category="theft", tier="red")
    for n in range(6):
        order(session, w, "SA01", at=NOV + n * hour, category="theft")
    for n in range(2):
        order(session, w, "SA02", at=NOV + n * hour, category="noise")
    session.flush()
    return w


def cells(session: Session, version: SunshineVersion) -> dict[tuple[str, ...], float]:
    rows = session.scalars(select(SunshineCell).where(SunshineCell.version_id == version.id))
    return {(c.community, c.month, c.measure, c.category, c.tier): c.value for c in rows}


def test_the_job_publishes_exact_counts_and_withholds_small_cells(session: Session) -> None:
    planted(session)
    done = service.publish(session, now=NOW)
    assert done.version is not None
    got = cells(session, done.version)
    m = "2026-11"
    assert got[("SA01", m, "received", "all", "all")] == 21
    assert got[("SA01", m, "received", "noise", "yellow")] == 12
    assert got[("SA01", m, "closed", "noise", "all")] == 12
    # theft/red = 3 is withheld, and with it enough that it cannot be rebuilt
    assert ("SA01", m, "received", "theft", "red") not in got
    assert ("SA01", m, "received", "all", "red") not in got  # the red column total is 3 too
    theft_yellow = ("SA01", m, "received", "theft", "yellow")
    theft_all = ("SA01", m, "received", "theft", "all")
    assert not (theft_yellow in got and theft_all in got)
    # SA02's 2 orders: only its zeros (no red, no orange) are published
    sa02 = {k: v for k, v in got.items() if k[0] == "SA02" and k[2] in {"received", "closed"}}
    assert sa02 and set(sa02.values()) == {0}
    assert ("SA02", m, "received", "all", "all") not in got
    assert got[("SA01", m, "satisfaction_count", "all", "all")] == 12
    assert got[("SA01", m, "satisfaction_mean", "all", "all")] == 4.5
    assert got[("SA01", m, "response_median_minutes", "all", "all")] == 20
    assert got[("SA01", m, "completion_median_minutes", "all", "all")] == 600
    assert done.version.withheld > 0


def test_withheld_cells_are_absent_from_both_downloads(session: Session) -> None:
    planted(session)
    v = service.publish(session, now=NOW).version
    assert v is not None
    assert "theft,red" not in v.csv_body
    assert "SA02,2026-11,received,noise,yellow" not in v.csv_body
    assert "SA02,2026-11,received,all,all" not in v.csv_body
    doc = json.loads(v.json_body)
    assert ["SA01", "2026-11", "received", "theft", "red", 3] not in doc["rows"]
    assert ["SA01", "2026-11", "received", "noise", "yellow", 12] in doc["rows"]
    assert doc["csv_sha256"] == sha256_hex(v.csv_body.encode())
    assert len(doc["rows"]) == v.cells == len(v.csv_body.strip().splitlines()) - 1
    assert "description" not in v.json_body and "王伟" not in v.json_body


def test_each_version_is_an_evidence_entry_with_the_hash_of_its_json(session: Session) -> None:
    planted(session)
    v = service.publish(session, now=NOW).version
    assert v is not None
    entry = session.get(EvidenceEntry, v.evidence_entry_id)
    assert entry is not None
    assert entry.sha256 == v.sha256 == sha256_hex(v.json_body.encode())
    assert entry.order_code == service.SUBJECT
    # sequenced at once where the log sequences inline, else filled in by a later run
    sequencer.integrate(session, now=NOW)
    service.fill_log_indexes(session)
    assert v.log_index is not None
    assert v.log_index == proofs.leaf_index(session, v.evidence_entry_id)


def test_a_second_run_with_unchanged_figures_writes_no_version(session: Session) -> None:
    planted(session)
    first = service.publish(session, now=NOW).version
    assert first is not None
    assert service.publish(session, now=NOW + dt.timedelta(hours=1)).version is None
    assert session.scalar(select(func.count()).select_from(SunshineVersion)) == 1


def test_the_running_month_is_not_published(session: Session) -> None:
    w = planted(session)
    december = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)
    order(session, w, "SA01", at=december, category="noise")
    v = service.publish(session, now=NOW).version
    assert v is not None
    assert json.loads(v.json_body)["months"][-1] == "2026-11"
    assert "2026-12" not in v.csv_body


def test_a_published_month_is_frozen_and_the_next_month_comes_in_a_new_version(
    session: Session,
) -> None:
    w = planted(session)
    first = service.publish(session, now=NOW).version
    assert first is not None
    before = cells(session, first)
    # a late November order changes nothing published: November's suppression stands
    order(session, w, "SA01", at=NOV, category="noise")
    assert service.publish(session, now=NOW + dt.timedelta(hours=1)).version is None
    # December, once over, comes in version 2; November's figures are carried unchanged
    for n in range(7):
        order(session, w, "SA01", at=dt.datetime(2026, 12, 2, 2, n, tzinfo=dt.UTC))
    second = service.publish(session, now=dt.datetime(2027, 1, 8, 2, 0, tzinfo=dt.UTC)).version
    assert second is not None and second.version == 2
    after = cells(session, second)
    assert {k: v for k, v in after.items() if k[1] == "2026-11"} == {
        k: v for k, v in before.items() if k[1] == "2026-11"
    }
    assert after[("SA01", "2026-12", "received", "all", "all")] == 7
    assert json.loads(second.json_body)["withheld_by_month"]["2026-11"] == first.withheld
    assert second.evidence_version == 2  # the next version of the same evidence item
    items = session.scalars(
        select(EvidenceItem).where(EvidenceItem.order_code == service.SUBJECT)
    ).all()
    assert len(items) == 1
    latest = queries.latest(session)
    assert latest is not None and latest.version == 2
