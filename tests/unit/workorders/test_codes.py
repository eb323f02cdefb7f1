"""Order codes: format, parse, and the Asia/Shanghai day boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.workorders.codes import (
    OrderCode,
    OrderCodeError,
    format_code,
    local_date,
    parse_code,
)


def test_it_formats_the_issues_example() -> None:
    received = datetime(2026, 11, 29, 2, 15, tzinfo=UTC)
    assert format_code("GS03", received, 42) == "GS03-20261129-0042"


def test_the_date_is_the_shanghai_date_not_the_utc_date() -> None:
    last_utc_minute = datetime(2026, 11, 29, 15, 59, 59, 999999, tzinfo=UTC)
    assert format_code("GS03", last_utc_minute, 1) == "GS03-20261129-0001"
    shanghai_midnight = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
    assert format_code("GS03", shanghai_midnight, 1) == "GS03-20261130-0001"


def test_the_year_turns_at_shanghai_midnight() -> None:
    received = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert format_code("XH12", received, 7) == "XH12-20270101-0007"


def test_any_timezone_gives_the_same_code_for_the_same_instant() -> None:
    instant = datetime(2026, 3, 8, 15, 30, tzinfo=UTC)
    for zone in ("America/New_York", "Asia/Shanghai", "Europe/London"):
        assert format_code("GS03", instant.astimezone(ZoneInfo(zone)), 9) == "GS03-20260308-0009"


def test_sequences_past_9999_grow_a_digit() -> None:
    code = format_code("GS03", datetime(2026, 1, 1, tzinfo=UTC), 12345)
    assert code == "GS03-20260101-12345"
    assert parse_code(code).sequence == 12345


def test_it_parses_into_parts() -> None:
    assert parse_code("GS03-20261129-0042") == OrderCode("GS03", date(2026, 11, 29), 42)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("GS03-20261129", "must look like GS03-20261129-0042"),
        ("GS03-20261129-0042-1", "must look like"),
        ("gs03-20261129-0042", "station code 'gs03' must be 2-8 upper-case"),
        ("3GS-20261129-0042", "starting with a letter"),
        ("GS03-2026112-0042", "date part '2026112' must be 8 digits"),
        ("GS03-20260230-0042", "'20260230' is not a calendar date"),
        ("GS03-20261129-042", "at least 4 digits"),
        ("GS03-20261129-00042", "padded beyond 4 digits"),
        ("GS03-20261129-0000", "must start at 0001"),
        ("GS03-20261129-00x2", "must be digits"),
        ("GS03-２０２６１１２９-0042", "must be 8 digits"),
    ],
)
def test_it_says_which_part_is_wrong(code: str, message: str) -> None:
    with pytest.raises(OrderCodeError, match=message):
        parse_code(code)


@pytest.mark.parametrize("sequence", [0, -1, True, 1.0])
def test_it_refuses_a_sequence_that_is_not_a_positive_integer(sequence: object) -> None:
    with pytest.raises(OrderCodeError, match="positive integer"):
        format_code("GS03", datetime(2026, 1, 1, tzinfo=UTC), sequence)  # type: ignore[arg-type]


def test_it_refuses_a_naive_time() -> None:
    with pytest.raises(OrderCodeError, match="timezone-aware"):
        local_date(datetime(2026, 1, 1))


stations = st.from_regex(r"[A-Z][A-Z0-9]{1,7}", fullmatch=True)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.just(UTC),
)


@given(stations, instants, st.integers(min_value=1, max_value=10**7))
def test_format_and_parse_round_trip(station: str, at: datetime, sequence: int) -> None:
    code = format_code(station, at, sequence)
    parsed = parse_code(code)
    assert parsed == OrderCode(station, local_date(at), sequence)
    assert str(parsed) == code
    assert parsed.day == (at + timedelta(hours=8)).date()  # Shanghai is UTC+8 all year


@given(instants, st.integers(min_value=-12, max_value=14))
def test_the_local_date_ignores_the_offset_of_the_input(at: datetime, hours: int) -> None:
    shifted = at.astimezone(timezone(timedelta(hours=hours)))
    assert local_date(shifted) == local_date(at)
