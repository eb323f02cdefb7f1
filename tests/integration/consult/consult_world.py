"""A small world for the consultation tests: the district tree, experts and a chief at SA01,
an expert at SA02, an officer at SA01 (no desk)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import Principal
from jingwu.org.models import Unit
from tests.factories.org import make_tree
from tests.integration.workorders.wo_factory import fast_user

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
PEOPLE = {
    "expert": ("SA01", "expert"),
    "expert2": ("SA01", "expert"),
    "chief": ("SA01", "chief"),
    "officer": ("SA01", "officer"),
    "other": ("SA02", "expert"),
    "director": ("D000", "director"),
}


@dataclass
class ConsultWorld:
    units: dict[str, Unit]
    who: dict[str, Principal]


def build(session: Session) -> ConsultWorld:
    units = make_tree(session)
    who = {}
    for name, (unit, role) in PEOPLE.items():
        user = fast_user(session, units[unit], role, f"c-{name}").user
        principal = accounts.load_principal(session, user.id)
        assert principal is not None
        who[name] = principal
    return ConsultWorld(units, who)
