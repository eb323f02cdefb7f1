"""The alert ladder: a red alert reaches the chief at once; levels only rise with waiting."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jingwu.iot.alert_ladder import (
    CHIEF,
    DISTRICT,
    STREET,
    first_escalation,
    level_due,
    next_escalation,
)

T0 = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
tiers = st.sampled_from(["red", "orange", "yellow"])
waits = st.integers(0, 3 * 24 * 3600).map(lambda s: dt.timedelta(seconds=s))


def test_a_red_alert_reaches_the_chief_at_once_and_the_district_in_half_an_hour() -> None:
    assert first_escalation("red", T0) == T0
    assert level_due("red", dt.timedelta(0)) == CHIEF
    assert level_due("red", dt.timedelta(minutes=10)) == STREET
    assert level_due("red", dt.timedelta(minutes=30)) == DISTRICT
    assert next_escalation("red", T0, DISTRICT) is None


@given(tiers, waits, waits)
def test_the_level_never_falls_with_longer_waiting(
    tier: str, a: dt.timedelta, b: dt.timedelta
) -> None:
    assert level_due(tier, min(a, b)) <= level_due(tier, max(a, b))


@given(tiers, waits)
def test_the_next_climb_is_after_now_and_reaches_a_higher_level(
    tier: str, waited: dt.timedelta
) -> None:
    level = level_due(tier, waited)
    nxt = next_escalation(tier, T0, level)
    if nxt is not None:
        assert nxt > T0 + waited
        assert level_due(tier, nxt - T0) > level
