"""Incident CSV parsing: good rows into arrays, every bad row by line number and reason."""

from __future__ import annotations

import gzip
import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.analytics.parse import (
    BadRowsError,
    IncidentFileError,
    parse_column_map,
    parse_incidents,
    parse_time,
)
from jingwu.analytics.sources import read_incident_file

DATA = Path(__file__).parents[2] / "data" / "crime" / "minneapolis_stops_2017.csv.gz"

GOOD = """id,category,occurred_at,lat,lon
a1,theft,2026-03-01T08:00:00Z,31.2304,121.4737
a2,dispute,2026-03-01T17:30:00+08:00,31.2310,121.4740
"""


def test_it_parses_good_rows_into_arrays() -> None:
    table = parse_incidents(GOOD.splitlines()).require_clean()
    assert table.ids == ("a1", "a2")
    assert table.categories == ("dispute", "theft")
    assert table.category.tolist() == [1, 0]
    assert table.occurred[0] == datetime(2026, 3, 1, 8, tzinfo=UTC).timestamp()
    assert table.occurred[1] == datetime(2026, 3, 1, 9, 30, tzinfo=UTC).timestamp()
    assert table.lat.tolist() == [31.2304, 31.2310]
    assert table.reported is None


def test_it_maps_other_column_names() -> None:
    text = "ref,type,when,y,x,logged\nk,fraud,2026-03-01T08:00:00Z,31.2,121.4,2026-03-01T09:00Z\n"
    mapping = parse_column_map(
        ["id=ref", "category=type", "occurred_at=when", "lat=y", "lon=x", "reported_at=logged"]
    )
    table = parse_incidents(text.splitlines(), column_map=mapping).require_clean()
    assert table.ids == ("k",)
    assert table.reported is not None
    assert table.reported[0] - table.occurred[0] == 3600.0


def test_it_reports_every_bad_row_with_its_line_and_reason() -> None:
    text = "\n".join(
        [
            "id,category,occurred_at,lat,lon,reported_at",
            "ok1,theft,2026-03-01T08:00:00Z,31.2,121.4,",
            "b1,theft,2026-03-01T08:00:00,31.2,121.4,",
            "b2,theft,yesterday,31.2,121.4,",
            "b3,theft,2026-03-01T08:00:00Z,91.5,121.4,",
            "b4,theft,2026-03-01T08:00:00Z,31.2,east,",
            ",theft,2026-03-01T08:00:00Z,31.2,121.4,",
            "ok1,theft,2026-03-01T08:00:00Z,31.2,121.4,",
            "b7,,2026-03-01T08:00:00Z,31.2,121.4,",
            "b8,theft,2026-03-01T08:00:00Z,31.2",
            "b9,theft,2026-03-01T08:00:00Z,31.2,121.4,2026-03-01T07:00:00Z",
            "ok2,theft,2026-03-01T08:00:00Z,31.2,121.4,2026-03-01T09:00:00Z",
        ]
    )
    result = parse_incidents(text.splitlines())
    reasons = {e.line: e.reason for e in result.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "no UTC offset" in reasons[3]
    assert "not an ISO 8601 time" in reasons[4]
    assert "lat '91.5' is outside -90..90" in reasons[5]
    assert "lon 'east' is not a number" in reasons[6]
    assert "id is empty" in reasons[7]
    assert "repeats line 2" in reasons[8]
    assert "category is empty" in reasons[9]
    assert "fields" in reasons[10]
    assert "reported_at is before occurred_at" in reasons[11]
    assert result.table.ids == ("ok1", "ok2")
    with pytest.raises(BadRowsError, match=r"^line 3: .* \(and 8 more bad rows\)$"):
        result.require_clean()


def test_it_leaves_a_blank_report_time_as_nan() -> None:
    text = "id,category,occurred_at,lat,lon,reported_at\nx,theft,2026-03-01T08:00:00Z,31,121,\n"
    table = parse_incidents(text.splitlines()).require_clean()
    assert table.reported is not None
    assert math.isnan(table.reported[0])


def test_it_skips_blank_lines_but_counts_them_in_line_numbers() -> None:
    text = "id,category,occurred_at,lat,lon\n\nx,theft,bad,31,121\n"
    result = parse_incidents(text.splitlines())
    assert [e.line for e in result.errors] == [3]


def test_it_rejects_a_file_without_a_required_column() -> None:
    with pytest.raises(IncidentFileError, match="no column 'lon'"):
        parse_incidents(["id,category,occurred_at,lat", "x,theft,2026-03-01T08:00Z,31"])
    with pytest.raises(IncidentFileError, match=r"no column 'lat' \(mapped to 'y'\)"):
        parse_incidents(["id,category,occurred_at,lat,lon"], column_map={"lat": "y"})
    with pytest.raises(IncidentFileError, match="empty"):
        parse_incidents([])


@pytest.mark.parametrize("spec", ["lat", "lat=", "=y", "colour=c"])
def test_it_rejects_bad_column_mappings(spec: str) -> None:
    with pytest.raises(IncidentFileError):
        parse_column_map([spec])


def test_it_reads_gzip_and_a_byte_order_mark(tmp_path: Path) -> None:
    plain = tmp_path / "a.csv"
    plain.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    packed = tmp_path / "a.csv.gz"
    packed.write_bytes(gzip.compress(GOOD.encode()))
    assert read_incident_file(plain).require_clean().ids == ("a1", "a2")
    assert read_incident_file(packed).require_clean().ids == ("a1", "a2")
    with pytest.raises(IncidentFileError, match="not a readable file"):
        read_incident_file(tmp_path / "missing.csv")
    broken = tmp_path / "b.csv.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(IncidentFileError, match="cannot be read"):
        read_incident_file(broken)


def test_it_reads_the_minneapolis_stops_without_a_bad_row() -> None:
    result = read_incident_file(DATA)
    assert result.errors == ()
    assert len(result.table) == 51_920
    assert result.table.categories == ("suspicious", "traffic")
    assert np.all((result.table.lat > 44.8) & (result.table.lat < 45.1))


@given(
    st.datetimes(
        min_value=datetime(1980, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.none()
    ),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_parse_time_reads_back_any_aware_iso_time(moment: datetime, minutes: int) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    assert parse_time(aware.isoformat()) == pytest.approx(aware.timestamp(), abs=1e-6)
