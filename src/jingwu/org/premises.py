"""Recording a station's premises: floor area, functional zones with areas, equipment.

Every write needs ``org.record`` and a unit in the principal's scope; bad input raises
before anything is flushed, so nothing is half-stored.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, check_unit, unit_in_scope
from jingwu.errors import Conflict, Invalid, NotFound, Term
from jingwu.org.editschemas import EquipmentIn, EquipmentPatch, FloorIn, ZoneIn, ZonePatch
from jingwu.org.models import Equipment, Unit, Zone
from jingwu.org.standard import ZONE_LABELS

_SLACK = 1.0001


def _zoned(session: Session, unit_id: int, *, without: int | None = None) -> float:
    stmt = select(func.coalesce(func.sum(Zone.area_m2), 0.0)).where(Zone.unit_id == unit_id)
    if without is not None:
        stmt = stmt.where(Zone.id != without)
    return float(session.scalar(stmt) or 0.0)


def _fits(unit: Unit, zoned: float) -> None:
    if unit.floor_area_m2 is None:
        raise Invalid(
            "Record the station's floor area before its zones.",
            fields={"floor_area_m2": "required"},
        )
    if zoned > unit.floor_area_m2 * _SLACK:
        raise Invalid(
            "The zones would add up to {zoned} m², more than the floor area of {floor} m².",
            params={"zoned": round(zoned, 1), "floor": round(unit.floor_area_m2, 1)},
            fields={"area_m2": "too big"},
        )


def set_floor(session: Session, principal: Principal, *, unit_id: int, data: FloorIn) -> Unit:
    """Record a station's floor area and design (not below the zones already recorded)."""
    principal.require("org.record")
    unit = check_unit(session, principal, unit_id)
    zoned = _zoned(session, unit.id)
    if zoned > data.floor_area_m2 * _SLACK:
        raise Invalid(
            "The zones recorded take {zoned} m², more than a floor area of {floor} m².",
            params={"zoned": round(zoned, 1), "floor": data.floor_area_m2},
            fields={"floor_area_m2": "smaller than the zones"},
        )
    unit.floor_area_m2, unit.design = data.floor_area_m2, data.design
    session.flush()
    return unit


def create_zone(
    session: Session, principal: Principal, *, unit_id: int, data: ZoneIn
) -> tuple[Zone, Unit]:
    """Add a functional zone with its area (one zone of each kind per station)."""
    principal.require("org.record")
    unit = check_unit(session, principal, unit_id)
    if data.kind not in ZONE_LABELS:
        raise Invalid("Unknown zone kind '{kind}'.", params={"kind": data.kind})
    if session.scalar(select(Zone.id).where(Zone.unit_id == unit.id, Zone.kind == data.kind)):
        raise Conflict(
            "The station has a {zone} zone already.",
            params={"zone": Term(data.kind, ZONE_LABELS[data.kind])},
            fields={"kind": "taken"},
        )
    _fits(unit, _zoned(session, unit.id) + data.area_m2)
    zone = Zone(unit_id=unit.id, kind=data.kind, area_m2=data.area_m2, notes=data.notes)
    session.add(zone)
    session.flush()
    return zone, unit


def zone_in_scope(session: Session, principal: Principal, zone_id: int) -> tuple[Zone, Unit]:
    """A zone and its unit, if the principal may see it; else NotFound."""
    zone = session.get(Zone, zone_id)
    unit = None if zone is None else unit_in_scope(session, principal, zone.unit_id)
    if zone is None or unit is None:
        raise NotFound("No such zone.")
    return zone, unit


def update_zone(
    session: Session, principal: Principal, *, zone_id: int, data: ZonePatch
) -> tuple[Zone, Unit]:
    """Change a zone's area or notes."""
    principal.require("org.record")
    zone, unit = zone_in_scope(session, principal, zone_id)
    if data.area_m2 is not None:
        _fits(unit, _zoned(session, unit.id, without=zone.id) + data.area_m2)
        zone.area_m2 = data.area_m2
    if data.notes is not None:
        zone.notes = data.notes
    session.flush()
    return zone, unit


def delete_zone(session: Session, principal: Principal, *, zone_id: int) -> Unit:
    """Remove a zone with its equipment."""
    principal.require("org.record")
    zone, unit = zone_in_scope(session, principal, zone_id)
    for item in session.scalars(select(Equipment).where(Equipment.zone_id == zone.id)):
        session.delete(item)
    session.flush()
    session.delete(zone)
    session.flush()
    return unit


def create_equipment(
    session: Session, principal: Principal, *, zone_id: int, data: EquipmentIn
) -> tuple[Equipment, Unit]:
    """Add an item to a zone's equipment."""
    principal.require("org.record")
    zone, unit = zone_in_scope(session, principal, zone_id)
    item = Equipment(zone_id=zone.id, name=data.name, quantity=data.quantity)
    session.add(item)
    session.flush()
    return item, unit


def equipment_in_scope(
    session: Session, principal: Principal, item_id: int
) -> tuple[Equipment, Unit]:
    """An item and its zone's unit, if the principal may see it; else NotFound."""
    item = session.get(Equipment, item_id)
    zone = None if item is None else session.get(Zone, item.zone_id)
    unit = None if zone is None else unit_in_scope(session, principal, zone.unit_id)
    if item is None or unit is None:
        raise NotFound("No such item of equipment.")
    return item, unit


def update_equipment(
    session: Session, principal: Principal, *, item_id: int, data: EquipmentPatch
) -> tuple[Equipment, Unit]:
    """Change an item's name or quantity."""
    principal.require("org.record")
    item, unit = equipment_in_scope(session, principal, item_id)
    if data.name is not None:
        item.name = data.name
    if data.quantity is not None:
        item.quantity = data.quantity
    session.flush()
    return item, unit


def delete_equipment(session: Session, principal: Principal, *, item_id: int) -> Unit:
    """Remove an item of equipment."""
    principal.require("org.record")
    item, unit = equipment_in_scope(session, principal, item_id)
    session.delete(item)
    session.flush()
    return unit
