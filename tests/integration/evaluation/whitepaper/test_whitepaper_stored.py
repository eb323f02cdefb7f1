"""The white paper's catalogue figures are the stored indicator values of the demo data: a
station's months are its stored values (as its scorecard shows them), a year is rolled up
from the stored counts, and a recompute's data date is the paper's."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from jingwu.accounts.principal import Principal
from jingwu.accounts.scope import SYSTEM
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evaluation.indices import queries
from jingwu.evaluation.whitepaper.figures import key_figures
from jingwu.evaluation.whitepaper.stored import Part, combine
from jingwu.evaluation.whitepaper.tally import Kind
from jingwu.org.models import Unit
from tests.integration.evaluation.whitepaper.test_whitepaper_pdf import env, run

__all__ = ["env"]
NOW = dt.datetime.now(dt.UTC)
YEAR = NOW.astimezone(LOCAL).year


@pytest.fixture(scope="module")
def session(env: dict[str, str]) -> Iterator[Session]:
    assert run(env, "evaluation", "recompute", "--help").exit_code == 0
    engine = create_engine(env["JINGWU_DATABASE_URL"])
    with Session(engine) as s:
        yield s
    engine.dispose()


def _chief(unit: Unit) -> Principal:
    return Principal(None, "chief", "chief", unit.id, unit.path)


def test_a_stations_months_are_its_stored_values_and_its_scorecard_agrees(
    session: Session,
) -> None:
    stations = session.scalars(select(Unit).where(Unit.kind == "community")).all()
    compared = 0
    for unit in stations[:3]:
        kf = key_figures(session, _chief(unit), year=YEAR, now=NOW)
        stored = {
            (i, p): v
            for i, p, v in session.execute(
                text(
                    "SELECT indicator, period, value FROM eval_indicator_values "
                    "WHERE unit_id = :u AND period LIKE :y AND period NOT LIKE '%Q%'"
                ),
                {"u": unit.id, "y": f"{YEAR}-__"},
            )
        }
        for figure in kf.figures:
            if figure.id.startswith("wp."):
                continue
            for m, value in enumerate(figure.result.months[: kf.through], start=1):
                expected = stored.get((figure.id, f"{YEAR}-{m:02d}"))
                if (figure.id, f"{YEAR}-{m:02d}") in stored:
                    assert value == expected, (unit.short_code, figure.id, m)
                    compared += 1
        month = f"{YEAR}-{kf.through:02d}"
        card = queries.scorecard(session, _chief(unit), code=unit.short_code, period=month, now=NOW)
        lines = {line.measure.id: line for line in card.lines}
        for figure in kf.figures:
            line = lines.get(figure.id)
            if line is not None and line.measure.frequency == "monthly":
                shown = line.value.value if line.value is not None else None
                assert figure.result.months[kf.through - 1] == shown, figure.id
    assert compared > 200


def test_the_district_year_is_rolled_up_from_the_stored_counts(session: Session) -> None:
    kf = key_figures(session, SYSTEM, year=YEAR, now=NOW)
    rows = session.execute(
        text(
            "SELECT indicator, unit_id, value, rows FROM eval_indicator_values "
            "WHERE period LIKE :y AND period NOT LIKE '%Q%' AND value IS NOT NULL"
        ),
        {"y": f"{YEAR}-__"},
    ).all()
    parts: dict[str, list[tuple[float, dict[str, float]]]] = defaultdict(list)
    for indicator, _unit, value, provenance in rows:
        found = provenance if isinstance(provenance, dict) else json.loads(provenance)
        parts[indicator].append((value, found.get("counts", {})))
    shares = [f for f in kf.figures if f.spec.kind is Kind.SHARE and f.id in parts]
    assert len(shares) >= 10
    for figure in shares:
        found = parts[figure.id]
        if all("good" in counts for _v, counts in found):  # every value computed: counts
            expected = 100 * sum(c["good"] for _v, c in found) / sum(c["rows"] for _v, c in found)
        else:  # some entered by hand (the demo's earlier months): the plain mean
            expected = sum(v for v, _c in found) / len(found)
        assert figure.result.year == pytest.approx(expected), figure.id
    stored = kf.stored
    newest = session.scalar(text("SELECT max(computed_at) FROM eval_indicator_values"))
    assert stored.data_date is not None and stored.computed_at is not None
    assert stored.data_date <= stored.computed_at
    assert str(newest)[:16] == stored.computed_at.strftime("%Y-%m-%d %H:%M")
    assert stored.versions == ("2026.1",)


def test_combining_stored_values() -> None:
    assert combine(Kind.SHARE, []) is None
    assert combine(Kind.MEAN, [Part(1, 3.25, 7.0)]) == 3.25  # one value: as stored
    shares = [Part(1, 50.0, 2.0, 2.0, 1.0), Part(2, 100.0, 1.0, 1.0, 1.0)]
    assert combine(Kind.SHARE, shares) == pytest.approx(200 / 3)
    rates = [Part(1, 1.0, 1e4, 1.0, None, 1e4), Part(1, 2.0, 1e4, 2.0, None, 1e4)]
    assert combine(Kind.RATE, rates) == pytest.approx(3.0)  # one station's months: summed
    assert combine(Kind.MEAN, [Part(1, 4.0, 3.0), Part(2, 2.0, 1.0)]) == pytest.approx(3.5)
    assert combine(Kind.MEAN, [Part(1, 4.0), Part(2, 2.0)]) == pytest.approx(3.0)
    medians = [Part(1, 10.0, 1.0), Part(2, 30.0, 5.0), Part(3, 20.0, 1.0)]
    assert combine(Kind.MEDIAN, medians) == 30.0
