"""Parsing station files for ``jingwu org import`` (pure): CSV or GeoJSON, errors by line.

CSV columns: kind, parent_code, name, name_en, short_code, division_code, org_code, address,
phone, lon, lat, floor_area_m2, design, residents, boundary (GeoJSON geometry as text,
optional). GeoJSON: a FeatureCollection whose features carry the same names as properties
and the boundary as geometry (a Point geometry sets lon/lat instead).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from pydantic import ValidationError

from jingwu.org.schemas import UnitIn

REQUIRED = ("kind", "name", "short_code", "division_code", "org_code")
NUMERIC = ("lon", "lat", "floor_area_m2")


class ImportProblems(ValueError):
    """Rows that cannot be imported: ``problems`` lists (line, reason)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(f"line {first[0]}: {first[1]} ({len(problems)} problem(s) in all)")


def _clean(raw: dict[str, Any]) -> dict[str, Any]:
    row = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in raw.items() if k}
    out = {k: v for k, v in row.items() if v not in ("", None)}
    if isinstance(out.get("boundary"), str):
        out["boundary"] = json.loads(out["boundary"])
    for key in NUMERIC:
        if key in out and isinstance(out[key], str):
            out[key] = float(out[key])
    if isinstance(out.get("residents"), str):
        out["residents"] = int(out["residents"])
    return out


def _validate(line: int, raw: dict[str, Any], problems: list[tuple[int, str]]) -> UnitIn | None:
    missing = [c for c in REQUIRED if not str(raw.get(c) or "").strip()]
    if missing:
        problems.append((line, f"missing {', '.join(missing)}"))
        return None
    try:
        return UnitIn.model_validate(_clean(raw))
    except (ValueError, json.JSONDecodeError) as exc:
        if isinstance(exc, ValidationError):
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "row"
            problems.append((line, f"{where}: {str(err['msg']).removeprefix('Value error, ')}"))
        else:
            problems.append((line, str(exc)))
        return None


def parse_csv(text: str) -> list[UnitIn]:
    """Units from CSV text; raises ImportProblems listing every bad line."""
    reader = csv.DictReader(io.StringIO(text))
    problems: list[tuple[int, str]] = []
    units: list[UnitIn] = []
    for raw in reader:
        unit = _validate(reader.line_num, raw, problems)
        if unit is not None:
            units.append(unit)
    return _finish(units, problems)


def parse_geojson(text: str) -> list[UnitIn]:
    """Units from a GeoJSON FeatureCollection; 'line' numbers are feature numbers (1-based)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportProblems([(exc.lineno, f"not JSON: {exc.msg}")]) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ImportProblems([(1, "expected a GeoJSON FeatureCollection")])
    problems: list[tuple[int, str]] = []
    units: list[UnitIn] = []
    for n, feature in enumerate(doc.get("features") or [], start=1):
        props = dict(feature.get("properties") or {})
        geometry = feature.get("geometry")
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            props.setdefault("lon", geometry["coordinates"][0])
            props.setdefault("lat", geometry["coordinates"][1])
        elif geometry is not None:
            props["boundary"] = geometry
        unit = _validate(n, props, problems)
        if unit is not None:
            units.append(unit)
    return _finish(units, problems)


def _finish(units: list[UnitIn], problems: list[tuple[int, str]]) -> list[UnitIn]:
    seen: set[str] = set()
    for n, unit in enumerate(units, start=1):
        if unit.short_code in seen:
            problems.append((n, f"short code {unit.short_code} appears twice"))
        seen.add(unit.short_code)
    if problems:
        raise ImportProblems(sorted(problems))
    if not units:
        raise ImportProblems([(1, "the file holds no units")])
    return units
