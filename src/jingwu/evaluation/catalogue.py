"""The indicator catalogue: read from JSON, validated, turned into frozen dataclasses.

The seed is ``data/catalogue.json`` (documented in ``docs/evaluation.md``); administrators'
edited versions go through the same :func:`parse_catalogue`, so every version obeys the same
rules: ids unique and dotted, weights inside each group summing to 100 %, the categories of
each of the guide's groups summing to that group's weight, units, directions, frequencies,
sources and platform data from the fixed vocabularies (:mod:`jingwu.evaluation.vocab`), every
indicator in exactly one category, every range inside its unit, goalposts inside the range.
Problems raise :class:`jingwu.errors.Invalid` with an English message id and its parameters.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from jingwu.errors import Invalid
from jingwu.evaluation.catalogue_checks import check_catalogue
from jingwu.evaluation.measures import (
    Catalogue,
    Category,
    Component,
    ExpertField,
    GuideGroup,
    ImprovementItem,
    Indicator,
    KpiIndex,
    ParamValue,
)
from jingwu.evaluation.vocab import Direction, Frequency, PlatformData, Rollup, Source, Unit

SEED = Path(__file__).parent / "data" / "catalogue.json"
_NAMES = {"id", "zh", "en"}
_MEASURE = {"weight", "source", "data", "query", "params", "definition_en", "definition_zh"}
_MEASURE |= {"unit", "direction", "frequency", "min", "max"} | _NAMES
_TOP = {"version", "guide_groups", "categories", "indicators", "kpi", "expert_fields"}
_TOP |= {"pdca_items"}
_VERSION_RE = re.compile(r"\d{4}\.\d{1,3}")
E = TypeVar("E", bound=StrEnum)


@cache
def default_catalogue() -> Catalogue:
    """The seed catalogue shipped with the package."""
    return load_catalogue(SEED.read_bytes())


def load_catalogue(text: str | bytes) -> Catalogue:
    """Parse and validate a catalogue given as JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(
            "The catalogue is not valid JSON: line {line}, column {column}.",
            params={"line": exc.lineno, "column": exc.colno},
        ) from None
    except UnicodeDecodeError:
        raise Invalid("The catalogue is not UTF-8 text.") from None
    return parse_catalogue(data)


def parse_catalogue(data: object) -> Catalogue:
    """Validate a decoded catalogue (dicts and lists) and build it."""
    top = _Obj(data, "catalogue", _TOP)
    version = top.text("version")
    if not _VERSION_RE.fullmatch(version):
        raise Invalid(
            "The catalogue version {version} is not of the form YYYY.N.",
            params={"version": version},
        )
    indicators = [
        _indicator(_Obj(x, f"indicators[{n}]", _MEASURE | {"category"}))
        for n, x in enumerate(top.items("indicators"))
    ]
    kpi = _Obj(
        top.data.get("kpi", {"min_present_weight": 100, "indices": []}),
        "kpi",
        {"min_present_weight", "indices"},
    )
    catalogue = Catalogue(
        version=version,
        groups=tuple(
            _group(_Obj(x, f"guide_groups[{n}]", _NAMES | {"weight"}))
            for n, x in enumerate(top.items("guide_groups"))
        ),
        categories=_categories(top.items("categories"), indicators),
        min_present_weight=kpi.number("min_present_weight"),
        indices=tuple(
            _index(_Obj(x, f"kpi.indices[{n}]", _NAMES | {"components"}))
            for n, x in enumerate(kpi.items("indices"))
        ),
        expert_fields=tuple(
            _expert(_Obj(x, f"expert_fields[{n}]", _NAMES))
            for n, x in enumerate(top.items("expert_fields", optional=True))
        ),
        improvement_items=tuple(
            _item(x, n) for n, x in enumerate(top.items("pdca_items", optional=True))
        ),
    )
    check_catalogue(catalogue, indicators)
    return catalogue


def catalogue_to_data(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as JSON-ready data; :func:`parse_catalogue` reads it back unchanged."""
    kpi = {
        "min_present_weight": catalogue.min_present_weight,
        "indices": [
            {**_names(i), "components": [_measure_data(c) for c in i.components]}
            for i in catalogue.indices
        ],
    }
    return {
        "version": catalogue.version,
        "guide_groups": [{**_names(g), "weight": g.weight} for g in catalogue.groups],
        "categories": [
            {**_names(c), "group": c.group, "weight": c.weight} for c in catalogue.categories
        ],
        "indicators": [_measure_data(i) for i in catalogue.indicators],
        "kpi": kpi,
        "expert_fields": [_names(e) for e in catalogue.expert_fields],
        "pdca_items": [
            {
                **_names(p),
                "target_zh": p.target_zh,
                "target_en": p.target_en,
                "indicators": list(p.measures),
            }
            for p in catalogue.improvement_items
        ],
    }


class _Obj:
    """A JSON object being read, with the place it came from for error messages."""

    def __init__(self, data: object, where: str, fields: Iterable[str]) -> None:
        if not isinstance(data, dict):
            raise Invalid("{where} must be an object.", params={"where": where})
        self.data: dict[str, Any] = data
        self.where = str(data.get("id")) if isinstance(data.get("id"), str) else where
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise Invalid(
                "{where} has an unknown field {field}.",
                params={"where": self.where, "field": unknown[0]},
            )

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise Invalid(
                "{where} lacks the field {field}.", params={"where": self.where, "field": key}
            )
        return self.data[key]

    def wrong(self, key: str, message: str) -> Invalid:
        return Invalid(message, params={"where": self.where, "field": key})

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.wrong(key, "The field {field} of {where} must be a non-empty text.")
        return value.strip()

    def number(self, key: str) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.wrong(key, "The field {field} of {where} must be a number.")
        if not math.isfinite(value):
            raise self.wrong(key, "The field {field} of {where} must be a number.")
        return float(value)

    def items(self, key: str, *, optional: bool = False) -> list[Any]:
        value = self.data.get(key, []) if optional else self._get(key)
        if not isinstance(value, list):
            raise self.wrong(key, "The field {field} of {where} must be a list.")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.items(key)
        if not all(isinstance(v, str) and v for v in values):
            raise self.wrong(key, "The field {field} of {where} must be a list of texts.")
        return tuple(values)

    def choice(self, key: str, kind: type[E]) -> E:
        return self.choose(key, self._get(key), kind)

    def choose(self, key: str, value: object, kind: type[E]) -> E:
        if isinstance(value, str) and value in {str(v) for v in kind}:
            return kind(value)
        raise Invalid(
            "The field {field} of {where} must be one of: {allowed}.",
            params={"where": self.where, "field": key, "allowed": ", ".join(kind)},
        )


def _names(x: GuideGroup | Category | KpiIndex | ExpertField | ImprovementItem) -> dict[str, str]:
    return {"id": x.id, "zh": x.name_zh, "en": x.name_en}


def _group(o: _Obj) -> GuideGroup:
    return GuideGroup(o.text("id"), o.text("zh"), o.text("en"), o.number("weight"))


def _expert(o: _Obj) -> ExpertField:
    return ExpertField(o.text("id"), o.text("zh"), o.text("en"))


def _item(data: object, n: int) -> ImprovementItem:
    o = _Obj(data, f"pdca_items[{n}]", _NAMES | {"target_zh", "target_en", "indicators"})
    return ImprovementItem(
        o.text("id"),
        o.text("zh"),
        o.text("en"),
        o.text("target_zh"),
        o.text("target_en"),
        o.texts("indicators"),
    )


def _categories(items: list[Any], indicators: list[Indicator]) -> tuple[Category, ...]:
    out = []
    for n, x in enumerate(items):
        o = _Obj(x, f"categories[{n}]", _NAMES | {"group", "weight"})
        cid = o.text("id")
        members = tuple(i for i in indicators if i.category == cid)
        out.append(
            Category(cid, o.text("zh"), o.text("en"), o.text("group"), o.number("weight"), members)
        )
    return tuple(out)


def _index(o: _Obj) -> KpiIndex:
    index_id = o.text("id")
    fields = _MEASURE | {"goalposts", "rollup"}
    components = tuple(
        _component(_Obj(x, f"{index_id}.components[{n}]", fields), index_id)
        for n, x in enumerate(o.items("components"))
    )
    return KpiIndex(index_id, o.text("zh"), o.text("en"), components)


def _measure_fields(o: _Obj) -> dict[str, Any]:
    query = o.data.get("query")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise o.wrong("query", "The field {field} of {where} must be a non-empty text.")
    return {
        "id": o.text("id"),
        "name_zh": o.text("zh"),
        "name_en": o.text("en"),
        "weight": o.number("weight"),
        "source": o.choice("source", Source),
        "data": tuple(o.choose("data", d, PlatformData) for d in o.items("data")),
        "query": query,
        "params": _params(o),
        "definition_en": o.text("definition_en"),
        "definition_zh": o.text("definition_zh"),
        "unit": o.choice("unit", Unit),
        "direction": o.choice("direction", Direction),
        "frequency": o.choice("frequency", Frequency),
        "low": o.number("min"),
        "high": o.number("max"),
    }


def _params(o: _Obj) -> tuple[tuple[str, ParamValue], ...]:
    raw = o.data.get("params", {})
    if not isinstance(raw, Mapping):
        raise o.wrong("params", "The field {field} of {where} must be an object.")
    out: list[tuple[str, ParamValue]] = []
    for key, value in sorted(raw.items()):
        if isinstance(value, str) or (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        ):
            out.append((key, value))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out.append((key, tuple(value)))
        else:
            raise o.wrong("params", "The parameters of {where} must be texts, numbers or lists.")
    return tuple(out)


def _indicator(o: _Obj) -> Indicator:
    return Indicator(**_measure_fields(o), category=o.text("category"))


def _component(o: _Obj, index_id: str) -> Component:
    posts = o.items("goalposts")
    if len(posts) != 2 or not all(
        isinstance(p, int | float) and not isinstance(p, bool) and math.isfinite(p) for p in posts
    ):
        raise o.wrong("goalposts", "The goalposts of {where} must be two numbers.")
    return Component(
        **_measure_fields(o),
        index=index_id,
        goalposts=(float(posts[0]), float(posts[1])),
        rollup=o.choice("rollup", Rollup),
    )


def _measure_data(m: Indicator | Component) -> dict[str, Any]:
    out: dict[str, Any] = {"id": m.id, "zh": m.name_zh, "en": m.name_en}
    if isinstance(m, Indicator):
        out = {"category": m.category, **out}
    out |= {
        "weight": m.weight,
        "source": str(m.source),
        "data": [str(d) for d in m.data],
        "query": m.query,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in m.params},
        "definition_en": m.definition_en,
        "definition_zh": m.definition_zh,
        "unit": str(m.unit),
        "direction": str(m.direction),
        "frequency": str(m.frequency),
        "min": m.low,
        "max": m.high,
    }
    if isinstance(m, Component):
        out |= {"goalposts": list(m.goalposts), "rollup": str(m.rollup)}
    return out
