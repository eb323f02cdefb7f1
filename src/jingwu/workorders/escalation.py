"""Who hears of a warning or breach: the responsible person, then chief → street → district.

The ladder is read once per sweep batch: the chiefs of each station, the street station
heads and district directors above it (found through the stations' materialised paths).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.org.models import Unit
from jingwu.workorders.sla import BREACH_PERCENT, DEFAULT_WARNINGS, Recipient
from jingwu.workorders.vocab import Tier

# escalation_level stored on the order: 0 none, 1 chief, 2 street station, 3 district
LEVELS = {Recipient.CHIEF: 1, Recipient.STREET: 2, Recipient.DIRECTOR: 3}

_MESSAGES = {
    ("response", False): "Work order {code}: {percent}% of the response time has passed.",
    ("completion", False): "Work order {code}: {percent}% of the completion time has passed.",
    ("response", True): "Work order {code} is overdue: the response deadline has passed.",
    ("completion", True): "Work order {code} is overdue: the completion deadline has passed.",
}


def message_for(clock: str, percent: int) -> str:
    """The English message id of a warning or breach of ``clock``."""
    return _MESSAGES[(clock, percent >= BREACH_PERCENT)]


def level_for(tier: str, percent: int) -> int:
    """The escalation level reached at ``percent`` of a deadline on an order of ``tier``."""
    if percent >= BREACH_PERCENT:
        return 3 if tier == Tier.RED else 2
    return 1 if percent >= DEFAULT_WARNINGS[-1] else 0


@dataclass
class Ladder:
    """Chiefs per station, street heads and directors per station (active users)."""

    names: dict[int, str] = field(default_factory=dict)
    chiefs: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    street: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    director: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def responsible(self, unit_id: int, responsible_id: int | None) -> tuple[int, str] | None:
        """The person answerable: the responsible user, else the station's chief."""
        if responsible_id is not None:
            return responsible_id, self.names.get(responsible_id, "")
        chiefs = self.chiefs.get(unit_id) or []
        return (chiefs[0], self.names.get(chiefs[0], "")) if chiefs else None

    def recipients(
        self, unit_id: int, responsible_id: int | None, who: Iterable[Recipient]
    ) -> list[int]:
        """User ids to notify, without repeats, in ladder order."""
        out: list[int] = []
        for rung in who:
            if rung is Recipient.RESPONSIBLE:
                person = self.responsible(unit_id, responsible_id)
                out.extend([person[0]] if person else [])
            elif rung is Recipient.CHIEF:
                out.extend(self.chiefs.get(unit_id, []))
            elif rung is Recipient.STREET:
                out.extend(self.street.get(unit_id, []))
            else:
                out.extend(self.director.get(unit_id, []))
        return list(dict.fromkeys(out))


def _ancestors(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def load_ladder(session: Session, unit_ids: set[int]) -> Ladder:
    """The escalation ladder above each of ``unit_ids``."""
    ladder = Ladder()
    if not unit_ids:
        return ladder
    paths = dict(session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(unit_ids))).all())
    above = {uid: _ancestors(path) for uid, path in paths.items()}
    wanted = {a for ids in above.values() for a in ids}
    users = session.execute(
        select(User.id, User.unit_id, User.role, User.display_name)
        .where(
            User.unit_id.in_(wanted),
            User.role.in_(("chief", "street", "director")),
            User.active.is_(True),
        )
        .order_by(User.id)
    ).all()
    by_unit: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for uid, unit_id, role, name in users:
        by_unit[unit_id].append((uid, role))
        ladder.names[uid] = name
    for station, chain in above.items():
        for unit_id in chain:
            for uid, role in by_unit.get(unit_id, []):
                if role == "chief" and unit_id == station:
                    ladder.chiefs[station].append(uid)
                elif role == "street":
                    ladder.street[station].append(uid)
                elif role == "director":
                    ladder.director[station].append(uid)
    return ladder


def add_names(session: Session, ladder: Ladder, user_ids: Iterable[int | None]) -> None:
    """Load display names of further users (the responsible people)."""
    wanted = {u for u in user_ids if u is not None and u not in ladder.names}
    if wanted:
        rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
        ladder.names.update(rows.all())
