"""The three KPI indices (EVAL-1..3): weighted means of their components on a 0–100 scale.

Each component's raw value (a share in %, a change in %) is scored 0–100 linearly between its
goalposts (the value scoring 0 and the one scoring 100; clamped outside), and the index is the
weighted mean of the scores with the guide's weights.

**Missing data.** A component without a value is missing, never zero. The index is reported
only when the components present carry at least ``min_present_weight`` % of its weight (the
catalogue's ``kpi.min_present_weight``, 70 in the seed); it is then the weighted mean over the
present components with their weights renormalised, flagged ``partial`` and naming the missing
ones. Below that share the index itself is missing. With the guide's weights, 70 % means: at
most one component may be missing, and never the efficiency index's cross-department
component (35 %).

**Periods.** A component measured less often than the index (a quarterly survey in a monthly
index) takes the value of the period that contains the index's period; the caller passes it.

**Roll-ups.** A street's or the district's index is the formula applied to its rolled-up
components, not a mean of its stations' indices. Each component rolls up as the catalogue
says: ``pooled`` rates (computed from platform rows) weight each station by its *basis*, the
rate's denominator (orders, feedback, tasks, mediations, last year's incidents), which gives
exactly the rate over all the unit's rows; ``mean`` components (entered or imported scores
without a denominator) take the plain mean of the stations that have a value. The district
rolls up from its stations directly, not from its streets' figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jingwu.errors import Invalid
from jingwu.evaluation.measures import Catalogue, Component, KpiIndex
from jingwu.evaluation.vocab import Rollup

TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class ComponentValue:
    """One unit's raw value of a component, with its basis (the denominator) if it has one."""

    value: float | None
    basis: float | None = None


@dataclass(frozen=True, slots=True)
class IndexValue:
    """An index for one unit and period: the value (None = missing) and how it came about."""

    index: str
    value: float | None  # 0–100
    scores: tuple[tuple[str, float | None], ...]  # each component's 0–100 score, or None
    missing: tuple[str, ...]  # the components without a value
    present_weight: float  # the weight (%) of the components with a value

    @property
    def partial(self) -> bool:
        """Whether the index was computed with some components missing."""
        return self.value is not None and bool(self.missing)


@dataclass(frozen=True, slots=True)
class RolledUp:
    """A component rolled up over several stations."""

    value: float | None
    basis: float | None  # the summed basis of the stations counted (pooled components)
    units: int  # stations that had a value
    of_units: int  # stations rolled up


def index_value(
    index: KpiIndex, values: Mapping[str, float | None], *, min_present_weight: float
) -> IndexValue:
    """The index from its components' raw values (keyed by component id; absent = missing)."""
    known = {c.id for c in index.components}
    for key in values:
        if key not in known:
            raise Invalid(
                "{component} is not a component of {index}.",
                params={"component": key, "index": index.id},
            )
    scores: list[tuple[str, float | None]] = []
    total = weighted = 0.0
    for component in index.components:
        raw = values.get(component.id)
        score = None if raw is None else component.score(raw)
        scores.append((component.id, score))
        if score is not None:
            total += component.weight
            weighted += component.weight * score
    missing = tuple(cid for cid, score in scores if score is None)
    enough = total > 0 and total >= min_present_weight - TOLERANCE
    return IndexValue(
        index=index.id,
        value=weighted / total if enough else None,
        scores=tuple(scores),
        missing=missing,
        present_weight=total,
    )


def index_values(catalogue: Catalogue, values: Mapping[str, float | None]) -> dict[str, IndexValue]:
    """Every KPI index of the catalogue for one unit and period (values keyed by component id)."""
    for key in values:
        catalogue.measure(key)  # Invalid if unknown
    return {
        index.id: index_value(
            index,
            {c.id: values[c.id] for c in index.components if c.id in values},
            min_present_weight=catalogue.min_present_weight,
        )
        for index in catalogue.indices
    }


def roll_up(component: Component, values: Iterable[ComponentValue]) -> RolledUp:
    """One component over several stations, pooled by basis or as a plain mean."""
    rows = list(values)
    present = [(component.check(v.value), v.basis) for v in rows if v.value is not None]
    if not present:
        return RolledUp(value=None, basis=None, units=0, of_units=len(rows))
    if component.rollup is Rollup.MEAN:
        mean = sum(x for x, _ in present) / len(present)
        return RolledUp(value=mean, basis=None, units=len(present), of_units=len(rows))
    bases = [_basis(component, b) for _, b in present]
    total = sum(bases)
    pooled = sum(b * x for b, (x, _) in zip(bases, present, strict=True)) / total
    # Rounding must not step outside the range the stations' values lie in.
    pooled = min(max(pooled, min(x for x, _ in present)), max(x for x, _ in present))
    return RolledUp(value=pooled, basis=total, units=len(present), of_units=len(rows))


def _basis(component: Component, basis: float | None) -> float:
    if basis is None or not basis > 0 or basis == float("inf"):
        raise Invalid(
            "A value of {id} rolled up by its basis needs a positive basis.",
            params={"id": component.id},
        )
    return basis


def roll_up_all(
    catalogue: Catalogue, stations: Iterable[Mapping[str, ComponentValue]]
) -> dict[str, RolledUp]:
    """Every component over the given stations (each a mapping of component id to value)."""
    rows = list(stations)
    for row in rows:
        for key in row:
            catalogue.measure(key)
    return {
        c.id: roll_up(c, (row.get(c.id, ComponentValue(None)) for row in rows))
        for c in catalogue.components
    }


def rolled_index_values(
    catalogue: Catalogue, stations: Iterable[Mapping[str, ComponentValue]]
) -> dict[str, IndexValue]:
    """Every KPI index of a street or district from its stations' component values."""
    rolled = roll_up_all(catalogue, stations)
    return index_values(catalogue, {cid: r.value for cid, r in rolled.items()})
