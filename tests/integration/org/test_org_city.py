"""The city tier: a city over districts, a district at the root still allowed, and a city
user's scope (its districts, nothing of another city)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.errors import Invalid
from jingwu.org import checks, queries
from tests.factories.accounts import make_user, principal
from tests.factories.org import make_tree, make_unit


def test_a_district_sits_under_a_city_or_at_the_root(session: Session) -> None:
    t = make_tree(session, city="C000")
    assert t["D000"].path == f"/{t['C000'].id}/{t['D000'].id}/"
    assert t["SA01"].path.startswith(t["C000"].path)
    alone = make_unit(session, "district", "D900")
    assert alone.path == f"/{alone.id}/"
    with pytest.raises(Invalid, match="belongs under a district"):
        make_unit(session, "street", "SX00", t["C000"])
    with pytest.raises(Invalid, match="belongs under a city"):
        make_unit(session, "district", "D901", t["SA00"])
    with pytest.raises(Invalid, match="A city has no parent"):
        make_unit(session, "city", "C001", t["C000"])


def test_a_city_user_sees_its_districts_and_no_other_city(session: Session) -> None:
    t = make_tree(session, city="C000")
    other = make_unit(session, "city", "C100")
    make_unit(session, "district", "D100", other)
    who = principal(session, make_user(session, t["C000"], "city"))
    codes = {u.short_code for u in queries.list_units(session, who)}
    assert codes == {"C000", "D000", "SA00", "SB00", "SA01", "SA02", "SB01"}
    check = checks.unit_check(session, t["C000"])
    assert check.problems == [] and check.meets_standard
    assert {u.short_code for u in queries.list_units(session, SYSTEM, kind="city")} == {
        "C000",
        "C100",
    }
