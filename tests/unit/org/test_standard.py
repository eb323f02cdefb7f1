from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.org import codes
from jingwu.org.standard import PostFact, check_staffing, check_zones, standard_zone_areas


def post(kind: str, holder: int | None, backup: int | None = None, key: bool = False) -> PostFact:
    return PostFact(kind, key, holder, backup)


def test_a_station_with_chief_officer_and_three_auxiliaries_meets_both_levels() -> None:
    r = check_staffing(
        [
            post("chief", 1, 2, True),
            post("community_officer", 2, 1, True),
            post("auxiliary", 3),
            post("auxiliary", 4),
            post("auxiliary", 5),
        ]
    )
    assert r.meets_minimum and r.meets_standard and r.ab_complete
    assert r.problems == []


def test_one_officer_and_two_auxiliaries_meet_the_minimum_but_not_the_standard() -> None:
    r = check_staffing(
        [post("community_officer", 1, 2, True), post("auxiliary", 2), post("auxiliary", 3)]
    )
    assert r.meets_minimum and not r.meets_standard
    assert "no_chief" in r.problems and "auxiliaries_below_standard" in r.problems


def test_vacant_posts_do_not_count() -> None:
    r = check_staffing([post("chief", None), post("auxiliary", 2), post("auxiliary", None)])
    assert not r.meets_minimum and r.officers == 0 and r.auxiliaries == 1


def test_a_backup_that_is_the_holder_is_no_backup() -> None:
    r = check_staffing([post("chief", 1, 1, True), post("community_officer", 2, 1, True)])
    assert r.key_posts == 2 and r.key_posts_backed == 1 and r.ab_coverage == 0.5
    assert "key_post_without_backup" in r.problems


def test_the_guides_zone_shares_add_up_to_the_floor_area() -> None:
    areas = standard_zone_areas(80)
    assert areas == {
        "reception": 24.0,
        "security_control": 20.0,
        "professional_services": 16.0,
        "technical_support": 12.0,
        "circulation": 8.0,
    }
    assert check_zones(80, list(areas.items())) == []


def test_zoning_problems_are_named() -> None:
    problems = check_zones(60, [("reception", 8.0), ("security_control", 15.0)])
    assert "share_off:reception" in problems
    assert "missing_zone:technical_support" in problems


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(st.text(alphabet=CREDIT_CHARS, min_size=17, max_size=17), st.integers(0, 16))
def test_credit_codes_round_trip_and_a_changed_character_is_caught(body: str, pos: int) -> None:
    code = codes.make_org_code(body)
    assert codes.check_org_code(code) == code
    other = CREDIT_CHARS[(CREDIT_CHARS.index(body[pos]) + 1) % 31]
    with pytest.raises(codes.CodeError):
        codes.check_org_code(body[:pos] + other + body[pos + 1 :] + code[17])


def test_division_and_short_codes_are_checked() -> None:
    assert codes.check_division_code("330106001") == "330106001"
    with pytest.raises(codes.CodeError, match="province"):
        codes.check_division_code("990106")
    assert codes.check_short_code("gs03") == "GS03"
    with pytest.raises(codes.CodeError):
        codes.check_short_code("G-03")


def test_it_accepts_the_example_code_printed_in_gb_32100() -> None:
    assert codes.check_org_code("91350100M000100Y43") == "91350100M000100Y43"
