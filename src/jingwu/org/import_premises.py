"""The zones and equipment columns of ``jingwu org import`` (pure).

``zones``: ``kind:area`` pairs separated by ``;`` (``reception:18;security_control:15``), or
in GeoJSON an object ``{"reception": 18}``. ``equipment``: ``zone:name*quantity`` items
separated by ``;`` (``reception:叫号机*2;security_control:监控屏``, quantity 1 when left
out), or in GeoJSON a list of ``{"zone", "name", "quantity"}`` objects. Zones need the
row's floor area and may not add up to more; equipment goes in one of the row's zones.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, model_validator

from jingwu.org.editschemas import EquipmentIn, ZoneIn, ZoneKind
from jingwu.org.schemas import UnitIn


class EquipmentItem(EquipmentIn):
    """An item of equipment and the zone it stands in."""

    zone: ZoneKind


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    out = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        kind, sep, rest = part.partition(":")
        if not sep or not kind.strip() or not rest.strip():
            raise ValueError(f"{what}: '{part}' is not zone:value")
        out.append((kind.strip(), rest.strip()))
    return out


def parse_zones(value: Any) -> Any:
    """``kind:area;…`` or an object → a list of zone dicts (validated by the model)."""
    if isinstance(value, str):
        return [{"kind": k, "area_m2": a} for k, a in _pairs(value, "zones")]
    if isinstance(value, dict):
        return [{"kind": k, "area_m2": a} for k, a in value.items()]
    return value


def parse_equipment(value: Any) -> Any:
    """``zone:name*qty;…`` or a list of objects → a list of item dicts."""
    if not isinstance(value, str):
        return value
    items = []
    for zone, rest in _pairs(value, "equipment"):
        name, star, qty = rest.rpartition("*")
        if not star:
            name, qty = rest, "1"
        items.append({"zone": zone, "name": name.strip(), "quantity": qty.strip()})
    return items


class UnitImport(UnitIn):
    """A unit of an import file, with its zones and equipment."""

    model_config = ConfigDict(str_strip_whitespace=True)

    zones: list[ZoneIn] = Field(default_factory=list, max_length=10)
    equipment: list[EquipmentItem] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="before")
    @classmethod
    def _columns(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "zones" in data:
                data["zones"] = parse_zones(data["zones"])
            if "equipment" in data:
                data["equipment"] = parse_equipment(data["equipment"])
        return data

    @model_validator(mode="after")
    def _fits(self) -> UnitImport:
        kinds = [z.kind for z in self.zones]
        twice = {k for k in kinds if kinds.count(k) > 1}
        if twice:
            raise ValueError(f"zones: {sorted(twice)[0]} appears twice")
        total = sum(z.area_m2 for z in self.zones)
        if self.zones and self.floor_area_m2 is None:
            raise ValueError("zones need the floor_area_m2 of the station")
        if self.floor_area_m2 is not None and total > self.floor_area_m2 * 1.0001:
            raise ValueError(
                f"zones add up to {total:g} m², more than the floor area of "
                f"{self.floor_area_m2:g} m²"
            )
        for item in self.equipment:
            if item.zone not in kinds:
                raise ValueError(f"equipment: {item.name} is in zone {item.zone}, not in zones")
        return self
