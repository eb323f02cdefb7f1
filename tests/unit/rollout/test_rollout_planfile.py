"""Reading plan files: CSV and JSON rows with their line numbers, every problem of form."""

from __future__ import annotations

import pytest

from jingwu.importfiles import MalformedFile
from jingwu.rollout.planfile import PlanRow, Problem, read


def test_a_csv_plan_gives_rows_with_their_lines() -> None:
    text = "phase,street,target,stations\n2025,bs00,2,BS01|bs02\n2026-H1,XX00,1,\n"
    rows, problems = read(text.encode(), is_json=False)
    assert problems == []
    assert rows == [
        PlanRow(2, "2025", "BS00", 2, ("BS01", "BS02")),
        PlanRow(3, "2026-H1", "XX00", 1, ()),
    ]


def test_a_json_plan_gives_the_line_each_object_starts_on() -> None:
    text = (
        '[\n  {"phase": "2025", "street": "BS00", "target": 1, "stations": ["BS01"]},\n\n'
        '  {"phase": "2026",\n   "street": "XX00", "target": 2}\n]'
    )
    rows, problems = read(text.encode(), is_json=True)
    assert problems == []
    assert [(r.line, r.street, r.stations) for r in rows] == [
        (2, "BS00", ("BS01",)),
        (4, "XX00", ()),
    ]
    wrapped = '{"rows": [\n{"phase": "2025", "street": "BS00", "target": 0}]}'
    assert read(wrapped.encode(), is_json=True)[0][0].line == 2


def test_every_bad_row_is_named_by_its_line() -> None:
    text = (
        "phase,street,target,stations\n"
        "2023-Q1,BS00,1,\n"  # 2: not a phase
        "2025,街道,1,\n"  # 3: not a short code
        "2025,BS00,-1,\n"  # 4: not a count
        "2025,BS00,1.5,\n"  # 5
        "2025,BS00,10001,\n"  # 6: too many
        "2025,BS00,1,BS 01\n"  # 7: a bad station code
        "2025,,1,\n"  # 8: missing
        "2025,BS00,3,BS01\n"  # 9: fine
    )
    rows, problems = read(text.encode(), is_json=False)
    assert [r.line for r in rows] == [9]
    assert [(p.line, p.reason) for p in problems] == [
        (2, "phase"),
        (3, "street_code"),
        (4, "target"),
        (5, "target"),
        (6, "target"),
        (7, "station_code"),
        (8, "missing"),
    ]


def test_json_rows_that_are_not_objects_or_have_wrong_types_are_problems() -> None:
    text = (
        '[1, {"phase": "2025", "street": "BS00", "target": true},'
        ' {"phase": 2025, "street": "BS00", "target": 1, "stations": [1]}]'
    )
    rows, problems = read(text.encode(), is_json=True)
    assert rows == []
    assert problems == [
        Problem(1, "object"),
        Problem(1, "target", "True"),
        Problem(1, "station_code", "[1]"),
    ]


@pytest.mark.parametrize(
    ("content", "is_json", "line"),
    [
        (b"phase,street\n2025,BS00\n", False, 1),  # no target column
        (b"\xff\xfe not utf-8", False, 1),
        (b"phase,street,target\n2025,BS00,1\x00\n", False, 2),
        (b'[{"phase": "2025",\n "street": }]', True, 2),
        (b'{"phase": "2025"}', True, 1),  # an object, not an array of rows
        (b"[" * 100_000, True, 1),
    ],
)
def test_a_file_that_is_not_csv_or_json_is_malformed(
    content: bytes, is_json: bool, line: int
) -> None:
    with pytest.raises(MalformedFile) as exc:
        read(content, is_json=is_json)
    assert exc.value.line == line
