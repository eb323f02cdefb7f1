"""Parsing station files for ``jingwu org import`` (pure): CSV or GeoJSON, errors by line.

CSV columns: kind, parent_code, name, name_en, short_code, division_code, org_code, address,
phone, lon, lat, floor_area_m2, design, residents, boundary (GeoJSON geometry as text,
optional), zones and equipment (optional; :mod:`jingwu.org.import_premises`). GeoJSON: a
FeatureCollection whose features carry the same names as properties and the boundary as
geometry (a Point geometry sets lon/lat instead).

A file that is not CSV or GeoJSON at all raises :class:`jingwu.importfiles.MalformedFile`
(the command exits 2); well-formed files with bad rows raise :class:`ImportProblems`
(exit 1). Either way nothing is stored.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from jingwu.importfiles import MalformedFile, csv_rows, has_nul, load_json
from jingwu.org.import_premises import UnitImport

__all__ = ["ImportProblems", "MalformedFile", "parse_csv", "parse_geojson"]

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


def _validate(line: int, raw: dict[str, Any], problems: list[tuple[int, str]]) -> UnitImport | None:
    missing = [c for c in REQUIRED if not str(raw.get(c) or "").strip()]
    if missing:
        problems.append((line, f"missing {', '.join(missing)}"))
        return None
    if has_nul(raw):
        problems.append((line, "a value holds a NUL character"))
        return None
    try:
        return UnitImport.model_validate(_clean(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "row"
        problems.append((line, f"{where}: {str(err['msg']).removeprefix('Value error, ')}"))
    except RecursionError:
        problems.append((line, "boundary: nested far more deeply than any GeoJSON"))
    except (ValueError, OverflowError) as exc:  # json.JSONDecodeError is a ValueError
        problems.append((line, str(exc)))
    return None


def parse_csv(text: str) -> list[UnitImport]:
    """Units from CSV text; raises MalformedFile (with the line) for a file that is not
    CSV, ImportProblems listing every bad line otherwise."""
    _header, rows = csv_rows(text)
    problems: list[tuple[int, str]] = []
    units: list[tuple[int, UnitImport]] = []
    for line, raw in rows:
        unit = _validate(line, raw, problems)
        if unit is not None:
            units.append((line, unit))
    return _finish(units, problems)


def parse_geojson(text: str) -> list[UnitImport]:
    """Units from a GeoJSON FeatureCollection; 'line' numbers are feature numbers (1-based).

    Raises MalformedFile for a file that is not such a collection, ImportProblems listing
    every bad feature otherwise."""
    doc = load_json(text)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise MalformedFile(1, "expected a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise MalformedFile(1, '"features" must be a list of GeoJSON features')
    problems: list[tuple[int, str]] = []
    units: list[tuple[int, UnitImport]] = []
    for n, feature in enumerate(features, start=1):
        props = _feature_properties(n, feature, problems)
        unit = None if props is None else _validate(n, props, problems)
        if unit is not None:
            units.append((n, unit))
    return _finish(units, problems)


def _feature_properties(
    n: int, feature: object, problems: list[tuple[int, str]]
) -> dict[str, Any] | None:
    """A feature's properties with its geometry as lon/lat (a Point) or the boundary."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(feature, dict) or not isinstance(props, dict | None):
        problems.append((n, "a feature must be an object with an object of properties"))
        return None
    out = dict(props or {})
    geometry = feature.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if not isinstance(coords, list) or len(coords) < 2:
            problems.append((n, "a Point needs [longitude, latitude]"))
            return None
        out.setdefault("lon", coords[0])
        out.setdefault("lat", coords[1])
    elif geometry is not None:
        out["boundary"] = geometry
    return out


def _finish(
    units: list[tuple[int, UnitImport]], problems: list[tuple[int, str]]
) -> list[UnitImport]:
    seen: dict[str, int] = {}
    for line, unit in units:
        if unit.short_code in seen:
            code, first = unit.short_code, seen[unit.short_code]
            problems.append((line, f"short code {code} appears twice (first on {first})"))
        seen.setdefault(unit.short_code, line)
    if problems:
        raise ImportProblems(sorted(problems))
    if not units:
        raise ImportProblems([(1, "the file holds no units")])
    return [unit for _, unit in units]
