"""The rules every catalogue version obeys (see :mod:`jingwu.evaluation.catalogue`).

Each rule raises :class:`jingwu.errors.Invalid` at the first breach, naming the id at fault.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from jingwu.errors import Invalid
from jingwu.evaluation.measures import Catalogue, Component, Indicator, Measure, number
from jingwu.evaluation.vocab import UNIT_BOUNDS, Source

ID_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
GROUP_ID_RE = re.compile(r"[a-z][a-z0-9_]*")
WEIGHT_TOLERANCE = 1e-6


def check_catalogue(catalogue: Catalogue, indicators: Sequence[Indicator]) -> None:
    """Raise Invalid unless ``catalogue`` (parsed from ``indicators`` and the rest) is sound."""
    _check_ids(catalogue, indicators)
    _check_weights(catalogue, indicators)
    for measure in [*indicators, *catalogue.components]:
        _check_measure(measure)
    for component in catalogue.components:
        _check_goalposts(component)
    share = catalogue.min_present_weight
    if not 0 < share <= 100:
        raise Invalid(
            "A KPI index needs between 0 and 100% of its weight present, not {value}%.",
            params={"value": number(share)},
        )
    for item in catalogue.improvement_items:
        for measure_id in item.measures:
            catalogue.measure(measure_id)  # Invalid if unknown


def _check_ids(catalogue: Catalogue, indicators: Sequence[Indicator]) -> None:
    for group in catalogue.groups:
        if not GROUP_ID_RE.fullmatch(group.id):
            raise Invalid("The id {id} is not a lower-case id.", params={"id": group.id})
    dotted = [
        *(c.id for c in catalogue.categories),
        *(i.id for i in indicators),
        *(x.id for x in catalogue.indices),
        *(c.id for c in catalogue.components),
        *(e.id for e in catalogue.expert_fields),
        *(p.id for p in catalogue.improvement_items),
    ]
    for found in dotted:
        if not ID_RE.fullmatch(found):
            raise Invalid("The id {id} is not a dotted lower-case id.", params={"id": found})
    for found, count in Counter([*dotted, *(g.id for g in catalogue.groups)]).items():
        if count > 1:
            raise Invalid(
                "The id {id} appears more than once in the catalogue.", params={"id": found}
            )
    for index in catalogue.indices:
        for component in index.components:
            message = "Component {id} must start with the id of its index {group}."
            _check_prefix(component.id, index.id, message)


def _check_prefix(child: str, parent: str, message: str) -> None:
    if not child.startswith(parent + "."):
        raise Invalid(message, params={"id": child, "group": parent})


def _check_weights(catalogue: Catalogue, indicators: Sequence[Indicator]) -> None:
    groups = {g.id: g for g in catalogue.groups}
    _sum_is_100("guide_groups", [(g.id, g.weight) for g in catalogue.groups])
    _sum_is_100("categories", [(c.id, c.weight) for c in catalogue.categories])
    for category in catalogue.categories:
        if category.group not in groups:
            raise Invalid(
                "Category {id} belongs to the unknown guide group {group}.",
                params={"id": category.id, "group": category.group},
            )
    for group in catalogue.groups:
        total = sum(c.weight for c in catalogue.categories if c.group == group.id)
        if abs(total - group.weight) > WEIGHT_TOLERANCE:
            raise Invalid(
                "The categories of {group} weigh {total}%, not the group's {weight}%.",
                params={"group": group.id, "total": number(total), "weight": number(group.weight)},
            )
    _check_members(catalogue, indicators)


def _check_members(catalogue: Catalogue, indicators: Sequence[Indicator]) -> None:
    categories = {c.id for c in catalogue.categories}
    for indicator in indicators:
        if indicator.category not in categories:
            raise Invalid(
                "Indicator {id} belongs to the unknown category {group}.",
                params={"id": indicator.id, "group": indicator.category},
            )
        message = "Indicator {id} must start with the id of its category {group}."
        _check_prefix(indicator.id, indicator.category, message)
    for category in catalogue.categories:
        if not category.indicators:
            raise Invalid("Category {id} has no indicators.", params={"id": category.id})
        _sum_is_100(category.id, [(i.id, i.weight) for i in category.indicators])
    for index in catalogue.indices:
        if not index.components:
            raise Invalid("Index {id} has no components.", params={"id": index.id})
        _sum_is_100(index.id, [(c.id, c.weight) for c in index.components])


def _sum_is_100(group: str, weights: Iterable[tuple[str, float]]) -> None:
    total = 0.0
    for owner, weight in weights:
        if weight <= 0:
            raise Invalid("The weight of {id} must be positive.", params={"id": owner})
        total += weight
    if abs(total - 100.0) > WEIGHT_TOLERANCE:
        raise Invalid(
            "Weights of {group} sum to {total}%, not 100%.",
            params={"group": group, "total": number(total)},
        )


def _check_measure(m: Measure) -> None:
    if not m.low < m.high:
        raise Invalid(
            "The range of {id} is empty: {low} is not below {high}.",
            params={"id": m.id, "low": number(m.low), "high": number(m.high)},
        )
    lowest, highest = UNIT_BOUNDS[m.unit]
    if m.low < lowest or m.high > highest:
        raise Invalid(
            "The range of {id} goes beyond what its unit {unit} allows.",
            params={"id": m.id, "unit": str(m.unit)},
        )
    if m.source is Source.COMPUTED and (not m.query or not m.data):
        raise Invalid(
            "Computed indicator {id} needs a query and the platform data it comes from.",
            params={"id": m.id},
        )
    if m.source is not Source.COMPUTED and (m.query or m.data or m.params):
        raise Invalid(
            "Indicator {id} is {source}, so it takes no query, parameters or platform data.",
            params={"id": m.id, "source": str(m.source)},
        )


def _check_goalposts(c: Component) -> None:
    worst, best = c.goalposts
    if not (c.low <= worst <= c.high and c.low <= best <= c.high):
        raise Invalid("The goalposts of {id} lie outside its range.", params={"id": c.id})
    if (worst < best) != c.higher_better or worst == best:
        raise Invalid(
            "The goalposts of {id} do not point the way of its direction.", params={"id": c.id}
        )
