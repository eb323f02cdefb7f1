"""The pure parts of the spot checks: draw documents, the scoring sheet, survey files, periods."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jingwu.evaluation.checks
from jingwu.errors import Invalid
from jingwu.evaluation.checks import periods, sheet, surveycsv
from jingwu.evaluation.checks.documents import CommitmentDoc, RecordDoc, digest
from jingwu.evaluation.checks.draws import Pair

T = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
COMMIT = CommitmentDoc(
    code="XH00-202603-S",
    kind="station",
    unit="XH00",
    period="2026-03",
    quota="1",
    team=2,
    inspectors=("b", "a"),
    commitment="ab" * 32,
    committed_at=T,
)
RECORD = RecordDoc(
    code="XH00-202603-S",
    commitment="ab" * 32,
    seed="s" * 32,
    targets=("BS02", "BS01"),
    checked=("BS03",),
    pairs={"target": [Pair("BS02", ("a", "b"))]},
    drawn_at=T,
)


def test_the_commitment_document_reads_as_documented() -> None:
    text = COMMIT.encode().decode()
    assert text.splitlines() == [
        "jingwu-draw-commitment/v1",
        "draw XH00-202603-S",
        "kind station",
        "unit XH00",
        "period 2026-03",
        "quota 1",
        "team 2",
        "inspectors a,b",
        f"commitment {'ab' * 32}",
        "committed-at 2026-03-01T02:00:00.000000Z",
    ]
    assert "pairs target:BS02=a+b\n" in RECORD.encode().decode()
    assert "targets BS01,BS02\n" in RECORD.encode().decode()


@given(st.sampled_from(["code", "quota", "team", "inspectors", "commitment", "period"]))
def test_changing_any_published_input_changes_the_commitment_digest(name: str) -> None:
    new = {
        "code": "XH00-202604-S",
        "quota": "2",
        "team": 3,
        "inspectors": ("a", "c"),
        "commitment": "cd" * 32,
        "period": "2026-04",
    }[name]
    assert digest(dataclasses.replace(COMMIT, **{name: new}).encode()) != digest(COMMIT.encode())


def test_a_record_changes_with_its_pool_its_pairs_or_its_seed() -> None:
    base = digest(RECORD.encode())
    assert digest(dataclasses.replace(RECORD, targets=("BS01",)).encode()) != base
    other = {"target": [Pair("BS02", ("b", "a"))]}
    assert digest(dataclasses.replace(RECORD, pairs=other).encode()) != base
    assert digest(dataclasses.replace(RECORD, seed="t" * 32).encode()) != base


def test_a_code_that_could_break_the_document_is_refused() -> None:
    with pytest.raises(Invalid):
        dataclasses.replace(COMMIT, inspectors=("a,b",)).encode()
    with pytest.raises(Invalid):
        dataclasses.replace(RECORD, seed="x\ny" * 10).encode()
    with pytest.raises(Invalid):
        dataclasses.replace(COMMIT, committed_at=T.replace(tzinfo=None)).encode()


def full_sheet(points: int | None = None) -> dict[str, object]:
    return {
        item.id: item.points if points is None else min(points, item.points) for item in sheet.SHEET
    }


def test_a_full_sheet_scores_100_and_passes() -> None:
    scored = sheet.score_sheet(full_sheet())
    assert (scored.total, scored.environment, scored.passed) == (100.0, 100.0, True)
    low = sheet.score_sheet(full_sheet(5))
    assert low.total == pytest.approx(100 * 50 / 100) and not low.passed
    assert sheet.TOTAL == 100


def test_a_sheet_with_a_missing_unknown_or_impossible_score_is_refused() -> None:
    missing = full_sheet()
    missing.pop("service.privacy")
    with pytest.raises(Invalid) as caught:
        sheet.score_sheet(missing)
    assert caught.value.fields == {"service.privacy": "required"}
    with pytest.raises(Invalid) as caught:
        sheet.score_sheet({**full_sheet(), "extra": 1})
    assert caught.value.fields == {"extra": "unknown item"}
    for bad in (11, -1, 2.5, True, "5"):
        with pytest.raises(Invalid):
            sheet.score_sheet({**full_sheet(), "reception.wait": bad})


@given(st.lists(st.floats(0, 100), min_size=2, max_size=60))
def test_the_mean_lies_inside_its_interval(values: list[float]) -> None:
    found = sheet.mean_interval(values)
    assert found.low <= found.mean <= found.high
    assert found.n == len(values)


def test_a_single_visit_has_no_margin_and_none_is_refused() -> None:
    assert sheet.mean_interval([80.0]).margin == 0
    with pytest.raises(Invalid):
        sheet.mean_interval([])


def test_the_survey_template_parses() -> None:
    rows = surveycsv.parse(surveycsv.TEMPLATE)
    assert [(r.line, r.unit, r.indicator, r.value) for r in rows] == [
        (2, "BS01", "kpi.satisfaction.innovation", 78.5),
        (3, "BS01", "kpi.satisfaction.environment", 86.0),
        (4, "BS01", "safety.order.safety_feeling", 92.1),
    ]


def test_a_bad_survey_file_names_every_bad_line() -> None:
    text = (
        "unit,period,indicator,respondents,score,share\n"
        "BS01,2026-Q4,kpi.satisfaction.innovation,120,,78.5\n"
        "BS01,26-Q4,kpi.satisfaction.innovation,120,,78.5\n"
        "\n"
        "BS01,2026-Q4,kpi.satisfaction.innovation,0,,78.5\n"
        "BS01,2026-Q4,kpi.satisfaction.innovation,10,1,78.5\n"
        "BS01,2026-Q4,kpi.satisfaction.innovation,10,,abc\n"
        "BS01,2026-Q4\n"
    )
    with pytest.raises(Invalid) as caught:
        surveycsv.parse(text)
    assert caught.value.params == {"count": 5, "line": "3"}
    assert sorted(caught.value.fields) == ["line 3", "line 5", "line 6", "line 7", "line 8"]
    assert caught.value.fields["line 6"] == "give either a score or a share"


def test_a_survey_file_without_the_template_header_or_rows_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        surveycsv.parse("station,period\nBS01,2026\n")
    assert caught.value.fields == {"line 1": "wrong columns"}
    with pytest.raises(Invalid):
        surveycsv.parse("unit,period,indicator,respondents,score,share\n")
    with pytest.raises(Invalid):
        surveycsv.decode(b"\xff\xfe\x00")
    assert surveycsv.decode("\ufeffunit".encode()) == "unit"


def test_periods_in_local_time() -> None:
    start, end = periods.month_bounds("2026-03")
    assert start == dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)
    assert periods.months_left("2026-03") == 10 and periods.months_left("2026-12") == 1
    assert periods.half_of(dt.date(2026, 7, 1)) == "2026-H2"
    assert periods.quarter_of(dt.date(2026, 11, 30)) == "2026-Q4"
    assert [periods.period_kind(p) for p in ("2026", "2026-H1", "2026-Q4", "2026-03")] == [
        "year",
        "half",
        "quarter",
        "month",
    ]
    for bad in ("2026-13", "2026-Q5", "1999", "x"):
        with pytest.raises(Invalid):
            periods.period_kind(bad)


PURE = ("draws", "documents", "periods", "sheet", "surveycsv")


def test_the_pure_parts_import_no_database_or_web() -> None:
    package = Path(jingwu.evaluation.checks.__file__).parent
    modules = [f"jingwu.evaluation.checks.{name}" for name in PURE]
    program = (
        "import importlib, json, sys\n"
        f"sys.path.insert(0, {str(package.parents[2])!r})\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out)
    bad = [
        m
        for m in loaded
        if m.split(".")[0] in ("sqlalchemy", "fastapi", "starlette")
        or m.startswith(("jingwu.db", "jingwu.web"))
    ]
    assert not bad
