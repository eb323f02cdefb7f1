"""A world for the rollout tests: the city C000 over district D000 (streets SA00, SB00;
stations SA01, SA02, SB01), and another city C100 over D100 → SC00 → SC01, SC02.
One user per role; ``plan()`` imports a plan through the service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM, Principal
from jingwu.org.models import Unit
from jingwu.reference.service import seed_defaults
from jingwu.rollout import service
from tests.factories.org import make_tree, make_unit, square
from tests.integration.workorders.wo_factory import fast_user

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)  # 10:00 on 7 December in Shanghai
USERS = {
    "city": ("C000", "city"),
    "director": ("D000", "director"),
    "inspector": ("D000", "inspector"),
    "admin": ("D000", "admin"),
    "street": ("SA00", "street"),
    "chief": ("SA01", "chief"),
    "b_chief": ("SB01", "chief"),
    "officer": ("SA01", "officer"),
    "other_city": ("C100", "city"),
    "other_director": ("D100", "director"),
}
PLAN = (
    "phase,street,target,stations\n"
    "2024,SA00,1,SA01\n"
    "2025,SA00,1,SA02\n"
    "2026,SB00,2,SB01\n"
    "2025,SC00,2,SC01|SC02\n"
)


@dataclass
class RolloutWorld:
    units: dict[str, Unit]
    who: dict[str, Principal]


def build(session: Session) -> RolloutWorld:
    seed_defaults(session)
    units = make_tree(session, city="C000")
    units["C100"] = make_unit(session, "city", "C100")
    units["D100"] = make_unit(session, "district", "D100", units["C100"])
    units["SC00"] = make_unit(session, "street", "SC00", units["D100"])
    for i, code in enumerate(("SC01", "SC02")):
        units[code] = make_unit(
            session, "community", code, units["SC00"], boundary=square(121.0 + i / 100, 31.0)
        )
    who = {}
    for name, (code, role) in USERS.items():
        tu = fast_user(session, units[code], role, f"r-{name.replace('_', '-')}")
        p = accounts.load_principal(session, tu.user.id)
        assert p is not None
        who[name] = p
    session.flush()
    return RolloutWorld(units, who)


def plan(session: Session, text: str = PLAN, *, on: dt.date = dt.date(2024, 1, 10)) -> None:
    """Import ``text`` as the whole tree's operator would."""
    service.import_plan(
        session, SYSTEM, filename="plan.csv", content=text.encode(), now=NOW, decided_on=on
    )
