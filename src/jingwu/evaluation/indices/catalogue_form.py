"""The catalogue page's edit (pure): the active catalogue's data with the weights and names
an administrator typed applied, ready for :func:`jingwu.evaluation.indices.catalogues.save`
(which checks that every set of weights sums to 100 %).

Form fields: ``version`` and ``note``; ``w:<id>`` a weight (a guide group, category,
indicator or KPI component, by id); ``zh:<id>`` and ``en:<id>`` a measure's names.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from typing import Any

from jingwu.errors import Invalid

MAX_NAME = 120


def weighted(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every part of the catalogue data that has a weight: groups, categories, indicators,
    then each KPI index's components."""
    yield from data.get("guide_groups", [])
    yield from data.get("categories", [])
    yield from data.get("indicators", [])
    for index in data.get("kpi", {}).get("indices", []):
        yield from index.get("components", [])


def _weight(key: str, text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise Invalid(
            "A weight must be a number from 0 to 100.", fields={key: "not a number"}
        ) from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise Invalid("A weight must be a number from 0 to 100.", fields={key: "out of range"})
    return value


def _name(key: str, text: str) -> str:
    name = text.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid(
            "A name has 1 to {n} characters.", params={"n": MAX_NAME}, fields={key: "name"}
        )
    return name


def apply(data: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``data`` with the form's version, weights and names (unknown fields are
    ignored; a missing field keeps the current value)."""
    edited = copy.deepcopy(dict(data))
    version = form.get("version", "").strip()
    if not version or len(version) > 16:
        raise Invalid(
            "Give the new version a name of 1 to 16 characters.", fields={"version": "version"}
        )
    edited["version"] = version
    for part in weighted(edited):
        key = f"w:{part['id']}"
        if key in form:
            part["weight"] = _weight(key, form[key])
        for language in ("zh", "en"):
            named = f"{language}:{part['id']}"
            if named in form:
                part[language] = _name(named, form[named])
    return edited
