"""The rollout's rules: phases, status moves, and the tallies against an independent count."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.rollout import plan
from jingwu.rollout.plan import STATUSES, MoveRefused, StationFact, Target

ROLES = ("officer", "auxiliary", "chief", "street", "director", "city", "inspector", "admin")
PHASES = ("2024", "2025-H1", "2025-H2", "2026")


def test_a_phase_is_a_year_or_a_half_year() -> None:
    assert plan.parse_phase("2025") == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert plan.parse_phase("2025-H1") == (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert plan.parse_phase("2025-H2") == (dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    for bad in ("25", "2025-H3", "2025-Q1", "1999", "2101", "", "2025H1"):
        with pytest.raises(ValueError):
            plan.parse_phase(bad)


def test_a_station_moves_forward_one_step_by_the_role_the_table_names() -> None:
    assert plan.check_move(role="street", current="planned", target="building", reason="") is True
    assert plan.check_move(role="chief", current="building", target="self_assessed", reason="")
    assert plan.check_move(role="inspector", current="self_assessed", target="verified", reason="")
    assert plan.check_move(role="city", current="verified", target="demonstration", reason="")
    refusals = [
        ("chief", "self_assessed", "verified", "role"),  # the chief does not verify itself
        ("inspector", "planned", "building", "role"),
        ("admin", "planned", "verified", "skip"),
        ("admin", "building", "building", "same"),
        ("admin", "building", "finished", "unknown"),
        ("director", "verified", "building", "reason"),  # back, without a reason
        ("chief", "verified", "building", "role"),  # the chief may not send a station back
    ]
    for role, current, target, why in refusals:
        with pytest.raises(MoveRefused) as exc:
            plan.check_move(role=role, current=current, target=target, reason="")
        assert exc.value.reason == why, (role, current, target)
    back = plan.check_move(role="inspector", current="verified", target="building", reason="漏水")
    assert back is False


@given(st.sampled_from(ROLES), st.sampled_from(STATUSES))
def test_the_moves_offered_are_exactly_the_moves_allowed(role: str, current: str) -> None:
    offered = plan.allowed_moves(role, current)
    for target in STATUSES:
        try:
            plan.check_move(role=role, current=current, target=target, reason="why")
            ok = True
        except MoveRefused:
            ok = False
        assert ok == (target in offered), (role, current, target)


@given(st.lists(st.tuples(st.sampled_from(ROLES), st.sampled_from(STATUSES)), max_size=30))
def test_no_sequence_of_moves_skips_a_status_on_the_way_forward(
    attempts: list[tuple[str, str]],
) -> None:
    status, highest = "planned", 0
    for role, target in attempts:
        try:
            forward = plan.check_move(role=role, current=status, target=target, reason="r")
        except MoveRefused:
            continue
        if forward:
            assert plan.rank(target) == plan.rank(status) + 1
            assert plan.rank(target) <= highest + 1
        status = target
        highest = max(highest, plan.rank(status))


def test_expected_by_today_is_none_before_all_after_and_pro_rata_within() -> None:
    assert plan.expected_by("2026", 10, dt.date(2025, 12, 31)) == 0
    assert plan.expected_by("2026", 10, dt.date(2027, 1, 1)) == 10
    assert plan.expected_by("2026", 365, dt.date(2026, 1, 31)) == pytest.approx(31)


targets = st.lists(
    st.builds(
        Target,
        street_id=st.integers(1, 4),
        district_id=st.sampled_from([10, 20, None]),
        phase=st.sampled_from(PHASES),
        target=st.integers(0, 20),
    ),
    max_size=12,
)
days = st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31))
stations = st.lists(
    st.builds(
        StationFact,
        station_id=st.integers(1, 10_000),
        street_id=st.integers(1, 4),
        district_id=st.sampled_from([10, 20, None]),
        phase=st.sampled_from([*PHASES, None]),
        status=st.sampled_from(STATUSES),
        demonstration_on=st.one_of(st.none(), days),
    ),
    max_size=40,
)


@given(targets, stations, days)
def test_the_groups_add_up_to_the_whole(
    t: list[Target], s: list[StationFact], today: dt.date
) -> None:
    whole = plan.tally(t, s, today, plan.everything).get("all", plan.Cell())
    for key in (plan.by_street, plan.by_district, plan.by_phase, plan.by_year):
        parts = plan.tally(t, s, today, key).values()
        assert sum(c.target for c in parts) == whole.target
        assert sum(c.achieved for c in parts) == whole.achieved
        assert sum(c.assigned for c in parts) == whole.assigned
        assert sum(c.expected for c in parts) == pytest.approx(whole.expected)


@given(targets, stations, days)
def test_the_tally_matches_a_count_by_hand(
    t: list[Target], s: list[StationFact], today: dt.date
) -> None:
    cells = plan.tally(t, s, today, plan.by_street_phase)
    for (street, phase), c in cells.items():  # type: ignore[misc]
        mine = [x for x in s if x.street_id == street and x.phase == phase]
        end = plan.parse_phase(phase)[1]
        assert c.target == sum(x.target for x in t if (x.street_id, x.phase) == (street, phase))
        assert c.assigned == len(mine)
        assert c.achieved == sum(1 for x in mine if x.status == "demonstration")
        assert c.on_time == sum(
            1
            for x in mine
            if x.status == "demonstration"
            and x.demonstration_on is not None
            and x.demonstration_on <= end
        )
        assert c.on_time <= c.achieved <= c.assigned
        assert 0 <= c.expected <= c.target
        assert sum(c.counts.values()) == c.assigned
        assert c.share is None or c.share == c.achieved / c.target


@given(targets, stations, days, days)
def test_what_is_expected_never_falls_as_days_pass(
    t: list[Target], s: list[StationFact], a: dt.date, b: dt.date
) -> None:
    early, late = sorted((a, b))
    e = plan.tally(t, s, early, plan.everything).get("all", plan.Cell()).expected
    lt = plan.tally(t, s, late, plan.everything).get("all", plan.Cell()).expected
    assert e <= lt + 1e-9
