"""Device files for `jingwu iot devices import`: every problem reported by line (pure)."""

from __future__ import annotations

import pytest

from jingwu.iot.classes import DeviceClass
from jingwu.iot.devicefile import DeviceFileProblems, parse_devices

HEADER = "code,station,class,lon,lat,name,installed_on,gateway,credential\n"


def test_a_good_file_gives_devices_with_their_lines() -> None:
    rows = parse_devices(
        HEADER
        + "BS01-ENV-01,bs01,environment,120.11,30.27,广场,2025-03-01,,\n"
        + "\n"
        + "BS01-RAD-01,BS01,perimeter_radar,120.12,30.28,,,GW-1,no\n"
    )
    assert [line for line, _ in rows] == [2, 4]
    first, second = rows[0][1], rows[1][1]
    assert first.station == "BS01" and first.device_class is DeviceClass.ENVIRONMENT
    assert first.installed_on is not None and first.installed_on.year == 2025
    assert second.gateway == "GW-1" and not second.own_credential


def test_every_bad_row_is_named_by_its_line() -> None:
    text = (
        HEADER
        + "OK-1,BS01,environment,120.1,30.2,,,,\n"
        + "BAD CODE,BS01,environment,120.1,30.2,,,,\n"
        + "X-2,BS01,toaster,120.1,30.2,,,,\n"
        + "X-3,BS01,environment,200,30.2,,,,\n"
        + "X-4,BS01,environment,120.1,30.2,,29-02-2025,,\n"
        + "OK-1,BS01,environment,120.1,30.2,,,,\n"
        + "X-5,BS01,environment,120.1,30.2,,,,maybe\n"
    )
    with pytest.raises(DeviceFileProblems) as caught:
        parse_devices(text)
    problems = dict(caught.value.problems)
    assert sorted(problems) == [3, 4, 5, 6, 7, 8]
    assert "code" in problems[3] and "class" in problems[4] and "lon" in problems[5]
    assert "installed_on" in problems[6] and "appears twice" in problems[7]
    assert "credential" in problems[8]


def test_missing_or_unknown_columns_are_refused_before_any_row() -> None:
    with pytest.raises(DeviceFileProblems) as missing:
        parse_devices("code,station,lon,lat\nA,BS01,1,2\n")
    assert missing.value.problems == [(1, "missing column(s): class")]
    with pytest.raises(DeviceFileProblems) as unknown:
        parse_devices("code,station,class,lon,lat,colour\nA,BS01,environment,1,2,red\n")
    assert "colour" in unknown.value.problems[0][1]
    with pytest.raises(DeviceFileProblems):
        parse_devices(HEADER)
