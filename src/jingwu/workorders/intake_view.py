"""What the intake form offers a principal: the stations of its scope, the channels its role
may receive through, and the defaults (read model)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from jingwu.accounts.scope import Principal, scoped
from jingwu.org.models import Unit
from jingwu.workorders.service_core import actor_of
from jingwu.workorders.states import may_create
from jingwu.workorders.vocab import Channel

# Sensor orders come from an alert (the IoT pages turn one into an order), never typed in.
FORM_CHANNELS = (Channel.WALK_IN, Channel.PHONE, Channel.PARTNER, Channel.ONLINE)


@dataclass(frozen=True)
class StationChoice:
    """A community station the principal may file an order at."""

    code: str
    name: str
    name_en: str
    street: str  # the street station above it (for grouping)
    lon: float | None
    lat: float | None
    boundary: dict[str, Any] | None


@dataclass(frozen=True)
class IntakeChoices:
    """The pickers of the intake form and their defaults."""

    stations: list[StationChoice] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    station: str = ""
    channel: str = ""

    @property
    def by_street(self) -> dict[str, list[StationChoice]]:
        """The stations grouped by their street station, in order."""
        out: dict[str, list[StationChoice]] = {}
        for s in self.stations:
            out.setdefault(s.street, []).append(s)
        return out

    def map_data(self) -> dict[str, dict[str, Any]]:
        """Each station's boundary and centre, for the map point picker."""
        return {s.code: {"boundary": s.boundary, "centre": [s.lon, s.lat]} for s in self.stations}


_STREET = aliased(Unit)


def channels_for(principal: Principal) -> list[str]:
    """The channels the intake form offers the principal's role (only those it may use)."""
    actor = actor_of(principal)
    return [str(c) for c in FORM_CHANNELS if may_create(actor, c)]


def intake_choices(session: Session, principal: Principal) -> IntakeChoices:
    """The stations in the principal's scope and the channels its role may use."""
    stmt = (
        scoped(select(Unit, _STREET.name), principal, Unit.id)
        .outerjoin(_STREET, _STREET.id == Unit.parent_id)
        .where(Unit.kind == "community")
        .order_by(Unit.path)
    )
    stations = [
        StationChoice(u.short_code, u.name, u.name_en, street or "", u.lon, u.lat, u.boundary)
        for u, street in session.execute(stmt)
    ]
    codes = [s.code for s in stations]
    mine = session.scalar(select(Unit.short_code).where(Unit.id == principal.unit_id))
    # The principal's own station; a street head or partner with one station gets that one.
    own = mine if mine in codes else (codes[0] if len(codes) == 1 else "")
    channels = channels_for(principal)
    default = "partner" if "partner" in channels else (channels[0] if channels else "")
    return IntakeChoices(stations, channels, own or "", default)
