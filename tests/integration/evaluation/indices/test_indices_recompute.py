"""Recomputing a period: computed values agree with independent queries, the indices with
the formula applied by hand, twice gives the same rows, entered values stay, missing is NULL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.evaluation.indices import results, schedule, service, values
from jingwu.evaluation.indices.catalogues import active
from jingwu.evaluation.indices.models import IndexResult, IndicatorValue
from jingwu.evaluation.indices.periods import parse_period
from tests.integration.evaluation.indices.indices_world import NOW, seeded
from tests.integration.workorders.wo_factory import World


@pytest.fixture
def w(session: Session) -> World:
    return seeded(session)


def _values(session: Session, period: str) -> dict[tuple[str, str], float | None]:
    rows = session.execute(
        text(
            "SELECT v.indicator, u.short_code, v.value FROM eval_indicator_values v "
            "JOIN units u ON u.id = v.unit_id WHERE v.period = :p"
        ),
        {"p": period},
    )
    return {(i, u): v for i, u, v in rows}


LATE = "NOT EXISTS (SELECT 1 FROM wo_overdue d WHERE d.order_id = o.id AND d.clock = 'completion')"
WINDOW = (
    "((o.resolved_at >= :a AND o.resolved_at < :b) OR (o.resolved_at IS NULL "
    "AND o.completion_due_at >= :a AND o.completion_due_at < :b))"
)


def _independent_shares(session: Session) -> dict[tuple[str, str], float]:
    """The computed components of the KPI indices, by SQL written apart from the service."""
    queries = {
        "kpi.satisfaction.response": (
            "SELECT u.short_code, count(*), sum(CASE WHEN o.responded_at IS NOT NULL AND NOT "
            "EXISTS (SELECT 1 FROM wo_overdue d WHERE d.order_id = o.id AND d.clock = "
            "'response') THEN 1 ELSE 0 END) FROM work_orders o JOIN units u ON u.id = o.unit_id "
            "WHERE o.state NOT IN ('transferred','rejected','duplicate') "
            "AND NOT (o.responded_at IS NULL AND o.response_due_at >= :b) "
            "AND o.received_at >= :a AND o.received_at < :b GROUP BY u.short_code"
        ),
        "kpi.satisfaction.resolution": (
            "SELECT u.short_code, count(*), sum(CASE WHEN f.resolved THEN 1 ELSE 0 END) "
            "FROM wo_feedback f JOIN units u ON u.id = f.unit_id "
            "WHERE f.at >= :a AND f.at < :b GROUP BY u.short_code"
        ),
        "kpi.efficiency.help_conversion": (
            "SELECT u.short_code, count(*), sum(CASE WHEN o.resolved_at IS NOT NULL AND "
            "o.state <> 'rejected' AND " + LATE + " THEN 1 ELSE 0 END) FROM work_orders o "
            "JOIN units u ON u.id = o.unit_id WHERE o.state NOT IN ('transferred','duplicate') "
            "AND (" + WINDOW + " OR (o.state = 'rejected' AND o.received_at >= :a "
            "AND o.received_at < :b)) GROUP BY u.short_code"
        ),
        "kpi.efficiency.cross_department": (
            "SELECT u.short_code, count(*), sum(CASE WHEN t.done_at <= t.due_at THEN 1 ELSE 0 "
            "END) FROM wo_tasks t JOIN units u ON u.id = t.unit_id WHERE t.status <> 'cancelled' "
            "AND t.due_at >= :a AND t.due_at < :b GROUP BY u.short_code"
        ),
        "kpi.social.hazards_rectified": (
            "SELECT u.short_code, count(*), sum(CASE WHEN o.resolved_at IS NOT NULL AND "
            "" + LATE + " THEN 1 ELSE 0 END) FROM work_orders o JOIN units u ON u.id = o.unit_id "
            "WHERE o.state NOT IN ('transferred','rejected','duplicate') AND o.category IN "
            "('fire_hazard','dangerous_goods','public_facility') AND " + WINDOW + " "
            "GROUP BY u.short_code"
        ),
        "kpi.social.disputes_resolved": (
            "SELECT u.short_code, count(*), sum(CASE WHEN NOT EXISTS (SELECT 1 FROM "
            "wo_mediations m WHERE m.order_id = o.id AND m.status = 'failed') THEN 1 ELSE 0 END) "
            "FROM work_orders o JOIN units u ON u.id = o.unit_id WHERE o.module = 'dispute' "
            "AND o.closed_at >= :a AND o.closed_at < :b GROUP BY u.short_code"
        ),
    }
    bounds = {"a": "2026-10-31 16:00:00", "b": "2026-11-30 16:00:00"}
    out = {}
    for measure, sql in queries.items():
        for code, n, good in session.execute(text(sql), bounds):
            out[(measure, code)] = 100.0 * good / n
    return out


def test_computed_values_agree_with_independent_queries(session: Session, w: World) -> None:
    service.recompute(session, "2026-11", now=NOW)
    stored = _values(session, "2026-11")
    expected = _independent_shares(session)
    assert expected  # the world has rows for each query
    for key, value in expected.items():
        assert stored[key] == pytest.approx(value), key
    # a station without rows has the value missing, never 0
    assert stored[("kpi.satisfaction.response", "SB01")] is None
    assert stored[("safety.livelihood.rating_mean", "SA02")] == pytest.approx(5.0)
    # medians of the minutes to the first response: 120, 120, 10, 10, 10, 10 and 120, 5, 5
    assert stored[("safety.livelihood.median_response_minutes", "SA01")] == pytest.approx(10.0)
    assert stored[("safety.livelihood.median_response_minutes", "SA02")] == pytest.approx(5.0)


WEIGHTS = {
    "kpi.satisfaction": {"response": 20, "resolution": 30, "environment": 25, "innovation": 25},
    "kpi.efficiency": {
        "clearance": 15,
        "help_conversion": 30,
        "cross_department": 35,
        "training_transfer": 20,
    },
    "kpi.social": {
        "public_order_fall": 25,
        "disputes_resolved": 30,
        "hazards_rectified": 25,
        "participation": 20,
    },
}
GOALPOSTS = {"kpi.social.public_order_fall": (-20.0, 20.0), "kpi.social.participation": (0, 50)}


def _by_hand(components: dict[str, float | None], index: str) -> float | None:
    present = {}
    for name, weight in WEIGHTS[index].items():
        v = components.get(f"{index}.{name}")
        if v is not None:
            lo, hi = GOALPOSTS.get(f"{index}.{name}", (0.0, 100.0))
            present[name] = (weight, 100.0 * min(1.0, max(0.0, (v - lo) / (hi - lo))))
    total = sum(wt for wt, _ in present.values())
    return sum(wt * s for wt, s in present.values()) / total if total >= 70 else None


def test_each_index_agrees_with_the_formula_applied_by_hand(session: Session, w: World) -> None:
    for station, v in (("SA01", 80.0), ("SA02", 40.0)):
        values.enter(
            session,
            w.p["director"],
            indicator="kpi.efficiency.training_transfer",
            station=station,
            period="2026-Q4",
            value=v,
            now=NOW,
        )
    service.recompute(session, "2026-11", now=NOW)
    shares = _independent_shares(session)
    results = {
        (r.index_id, r.unit_id): r
        for r in session.scalars(select(IndexResult).where(IndexResult.period == "2026-11"))
    }
    for station in ("SA01", "SA02", "SB01"):
        comps: dict[str, float | None] = {k: v for (k, c), v in shares.items() if c == station}
        if station != "SB01":
            comps["kpi.efficiency.training_transfer"] = {"SA01": 80.0, "SA02": 40.0}[station]
        for index in WEIGHTS:
            got = results[(index, w.units[station].id)].value
            want = _by_hand(comps, index)
            assert (got is None) == (want is None), (station, index)
            if want is not None:
                assert got == pytest.approx(want), (station, index)
    # the efficiency index of SA01 and SA02 is ranked, with an interval around the rank
    sa01 = results[("kpi.efficiency", w.units["SA01"].id)]
    assert sa01.rank in (1, 2) and sa01.rank_p05 <= sa01.rank <= sa01.rank_p95
    assert sa01.ranked == 2


def test_a_street_is_the_formula_on_its_stations_pooled_components(
    session: Session, w: World
) -> None:
    service.recompute(session, "2026-11", now=NOW)
    # SA00 = SA01 + SA02: the response share over all their orders (6 + 3, 4 + 2 in time)
    street = session.scalar(
        select(IndexResult).where(
            IndexResult.period == "2026-11",
            IndexResult.index_id == "kpi.satisfaction",
            IndexResult.unit_id == w.units["SA00"].id,
        )
    )
    assert street is not None
    assert street.method["scores"]["kpi.satisfaction.response"] == pytest.approx(600 / 9)


def test_recomputing_twice_gives_the_same_rows_and_keeps_entered_values(
    session: Session, w: World
) -> None:
    values.enter(
        session,
        w.p["chief"],
        indicator="kpi.social.participation",
        station="SA01",
        period="2026-Q4",
        value=30.0,
        now=NOW,
    )
    first = service.recompute(session, "2026-11", now=NOW)
    once = _values(session, "2026-11") | _values(session, "2026-Q4")
    second = service.recompute(session, "2026-11", now=NOW, principal=SYSTEM)
    assert first == second and first.periods == ("2026-11", "2026-Q4")
    assert _values(session, "2026-11") | _values(session, "2026-Q4") == once
    assert once[("kpi.social.participation", "SA01")] == 30.0
    n = session.scalar(
        select(IndicatorValue.id).where(IndicatorValue.indicator == "kpi.social.participation")
    )
    assert n is not None


def test_the_job_recomputes_a_closed_month_once_and_the_month_so_far_when_stale(
    session: Session, w: World
) -> None:
    assert schedule.run_due(session, now=NOW) == ["2026-11", "2026-Q4", "2026-12", "2026-Q4"]
    assert schedule.run_due(session, now=NOW) == []
    later = NOW + schedule.REFRESH
    assert schedule.run_due(session, now=later) == ["2026-12", "2026-Q4"]


def test_months_in_a_batch_and_quarters_from_them_equal_those_computed_one_by_one(
    session: Session, w: World
) -> None:
    service.recompute(session, "2026-11", now=NOW)  # the month and the quarter on their own
    alone = _values(session, "2026-11") | {
        (k[0] + "@Q", k[1]): v for k, v in _values(session, "2026-Q4").items()
    }
    periods = [parse_period(p) for p in ("2026-10", "2026-11", "2026-12", "2026-Q4")]
    service.recompute_periods(session, periods, now=NOW)
    batched = _values(session, "2026-11") | {
        (k[0] + "@Q", k[1]): v for k, v in _values(session, "2026-Q4").items()
    }
    assert batched.keys() == alone.keys()
    for key, value in alone.items():
        assert batched[key] == pytest.approx(value), key


def _results(session: Session) -> dict[tuple[str, int, str], tuple[object, ...]]:
    return {
        (r.index_id, r.unit_id, r.period): (r.value, r.rank, r.rank_p05, r.rank_p95, r.method)
        for r in session.scalars(select(IndexResult))
    }


def test_index_results_from_the_values_just_stored_equal_those_read_back(
    session: Session, w: World
) -> None:
    """The recompute ranks from the values it has just written (not read back); reading
    them back, entered ones included, gives the same results."""
    values.enter(
        session,
        w.p["chief"],
        indicator="kpi.social.participation",
        station="SA01",
        period="2026-Q4",
        value=30.0,
        now=NOW,
    )
    periods = [parse_period(p) for p in ("2026-10", "2026-11", "2026-12", "2026-Q4")]
    service.recompute_periods(session, periods, now=NOW)
    first = _results(session)
    assert any(v[0] is not None for v in first.values())
    _, catalogue = active(session, now=NOW)
    nodes = results.tree(session)
    for p in periods:
        results.store(session, catalogue, p, now=NOW, nodes=nodes)  # reads every value back
    assert _results(session) == first
