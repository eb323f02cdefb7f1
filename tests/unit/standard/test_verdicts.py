"""The standard's pure cores: versions as data, and a station's facts against them."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.errors import Invalid
from jingwu.org import standard as org_standard
from jingwu.org.standard import PostFact
from jingwu.standard.requirements import parse_version, shipped, version_to_data
from jingwu.standard.verdicts import MET, NOT_MEASURABLE, NOT_MET, StationFacts, scorecard, verdict

V1, V2 = shipped("1.0"), shipped("2.0")


def _status(facts: StationFacts, rid: str, version=V1) -> str:  # type: ignore[no-untyped-def]
    return verdict(version.requirement(rid), facts).status


def test_the_shipped_versions_read_back_unchanged_and_differ_in_thresholds() -> None:
    for v in (V1, V2):
        assert parse_version(version_to_data(v)) == v
    assert [r.id for r in V1.requirements] == [r.id for r in V2.requirements]
    pairs = zip(V1.requirements, V2.requirements, strict=True)
    changed = [r.id for r, s in pairs if r.params != s.params]
    assert {"org4.floor_area", "iot1.density", "iot4.solar", "org2.staffing"} <= set(changed)


def test_org_reads_its_numbers_from_standard_1_0() -> None:
    assert org_standard.ZONE_SHARES == {
        "reception": 0.30,
        "security_control": 0.25,
        "professional_services": 0.20,
        "technical_support": 0.15,
    }
    assert pytest.approx(0.10) == org_standard.CIRCULATION_SHARE
    assert org_standard.TRADITIONAL_AREA_M2 == (50.0, 80.0)
    assert (org_standard.MIN_OFFICERS, org_standard.MIN_AUXILIARIES) == (1, 2)
    assert (org_standard.STANDARD_CHIEFS, org_standard.STANDARD_AUXILIARIES) == (1, 3)


@given(st.floats(min_value=1, max_value=400, allow_nan=False))
def test_the_floor_area_verdict_follows_the_range_and_the_gap_is_the_distance(area: float) -> None:
    v = verdict(V1.requirement("org4.floor_area"), StationFacts(1, floor_area_m2=area))
    distance = max(50 - area, area - 80, 0)
    assert (v.status == MET) == (round(distance, 2) == 0)
    if v.status == NOT_MET:
        assert v.gap == pytest.approx(distance, abs=0.01)


def test_a_vertical_design_needs_its_own_minimum_and_no_maximum() -> None:
    big = StationFacts(1, floor_area_m2=160, design="vertical")
    assert _status(big, "org4.floor_area") == MET
    small = StationFacts(1, floor_area_m2=100, design="vertical")
    assert _status(small, "org4.floor_area", V2) == NOT_MET


def test_nothing_recorded_is_not_measurable_with_a_reason_and_never_met() -> None:
    card = scorecard(V1, StationFacts(1))
    for v in card.verdicts:
        assert v.status != MET, v.requirement.id
        if v.status == NOT_MEASURABLE:
            assert v.reason
    assert card.score == 0.0 and len(card.unmet) == len(V1.requirements)


def test_density_and_classes_need_a_boundary_and_all_eight() -> None:
    devices = {"environment": 30}
    assert _status(StationFacts(1, devices_by_class=devices), "iot1.density") == NOT_MEASURABLE
    with_area = StationFacts(1, area_km2=1.0, devices_by_class=devices)
    assert _status(with_area, "iot1.density") == MET
    assert _status(with_area, "iot1.density", V2) == MET
    assert _status(with_area, "iot1.classes") == NOT_MET


def test_ab_coverage_counts_a_backup_only_when_it_is_another_person() -> None:
    posts = (PostFact("chief", True, 1, 2), PostFact("community_officer", True, 2, 2))
    v = verdict(V1.requirement("org3.ab_posts"), StationFacts(1, posts=posts))
    assert v.status == NOT_MET and v.value == 50.0 and v.gap == 50.0


def test_module_mix_needs_enough_orders_and_shares_within_the_tolerance() -> None:
    few = StationFacts(1, modules={"security": 5})
    assert _status(few, "org5.module_mix") == NOT_MEASURABLE
    even = StationFacts(1, modules={"security": 40, "livelihood": 30, "dispute": 30})
    assert _status(even, "org5.module_mix") == MET
    off = StationFacts(1, modules={"security": 48, "livelihood": 30, "dispute": 22})
    assert _status(off, "org5.module_mix") == MET  # 8 points, within 10
    assert _status(off, "org5.module_mix", V2) == NOT_MET  # not within 5


def _data_with(change) -> dict:  # type: ignore[no-untyped-def,type-arg]
    data = copy.deepcopy(version_to_data(V1))
    change(data)
    return data


def test_min_above_max_and_shares_off_100_are_refused_naming_the_requirement() -> None:
    def flip(d):  # type: ignore[no-untyped-def]
        d["requirements"][0]["measure"]["params"].update(min=81)

    with pytest.raises(Invalid, match=r"org4\.floor_area") as e:
        parse_version(_data_with(flip))
    assert "above its maximum" in e.value.message

    def shares(d):  # type: ignore[no-untyped-def]
        d["requirements"][1]["measure"]["params"]["shares"]["circulation"] = 5

    with pytest.raises(Invalid, match=r"add up to 95 %"):
        parse_version(_data_with(shares))
