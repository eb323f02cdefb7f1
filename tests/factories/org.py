"""Factories for units, staff and posts."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.org import codes, service
from jingwu.org.models import Unit
from jingwu.org.schemas import StaffIn, UnitIn

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
_counter = itertools.count(1)


def square(lon: float, lat: float, d: float = 0.01) -> dict[str, Any]:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def org_code() -> str:
    n = next(_counter)
    return codes.make_org_code(f"11330106{n:07d}MB")


def make_unit(
    session: Session, kind: str, short_code: str, parent: Unit | None = None, **extra: Any
) -> Unit:
    division = {
        "city": "330100",
        "district": "330106",
        "street": "330106001",
        "community": "330106001001",
    }[kind]
    data = UnitIn(
        kind=kind,
        parent_code=parent.short_code if parent else None,  # type: ignore[arg-type]
        name=extra.pop("name", f"单位{short_code}"),
        short_code=short_code,
        division_code=division,
        org_code=org_code(),
        **extra,
    )
    return service.create_unit(session, SYSTEM, data=data, now=NOW)


def make_tree(session: Session, *, city: str | None = None) -> dict[str, Unit]:
    """A district (D000) with two streets (SA00, SB00) and a station under each of them
    (and the city ``city`` above the district, when given)."""
    above = make_unit(session, "city", city) if city else None
    d = make_unit(session, "district", "D000", above, lon=120.1, lat=30.2)
    sa = make_unit(session, "street", "SA00", d)
    sb = make_unit(session, "street", "SB00", d)
    a1 = make_unit(
        session,
        "community",
        "SA01",
        sa,
        boundary=square(120.1, 30.2),
        floor_area_m2=60.0,
        lon=120.105,
        lat=30.205,
    )
    a2 = make_unit(session, "community", "SA02", sa, boundary=square(120.11, 30.2))
    b1 = make_unit(session, "community", "SB01", sb, boundary=square(120.12, 30.2))
    tree = {"D000": d, "SA00": sa, "SB00": sb, "SA01": a1, "SA02": a2, "SB01": b1}
    return tree | ({city: above} if city and above else {})


def add_police(session: Session, unit: Unit, number: str, name: str = "王伟") -> int:
    return service.add_staff(
        session,
        SYSTEM,
        unit_id=unit.id,
        data=StaffIn(name=name, category="police", police_number=number),
    ).id


def add_aux(session: Session, unit: Unit, name: str = "李强") -> int:
    return service.add_staff(
        session, SYSTEM, unit_id=unit.id, data=StaffIn(name=name, category="auxiliary")
    ).id
