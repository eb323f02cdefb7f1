"""The catalogue's types: measures (indicators and KPI components), their groups, the catalogue.

Frozen dataclasses built by :mod:`jingwu.evaluation.catalogue`, which validates them; nothing
here reads files. A *measure* is anything that gets values: a safety-index indicator (in
exactly one category) or a KPI component (in exactly one index). Weights are percentages of
the group they are in.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from jingwu.errors import Invalid
from jingwu.evaluation.vocab import Direction, Frequency, PlatformData, Rollup, Source, Unit

ParamValue = str | float | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Measure:
    """What every indicator and KPI component has."""

    id: str
    name_zh: str
    name_en: str
    weight: float  # % of its category or index
    source: Source
    data: tuple[PlatformData, ...]  # the platform records a computed measure reads
    query: str | None  # the computation's key (computed measures only)
    params: tuple[tuple[str, ParamValue], ...]  # the computation's parameters
    definition_en: str
    definition_zh: str
    unit: Unit
    direction: Direction
    frequency: Frequency
    low: float  # the valid range
    high: float

    @property
    def higher_better(self) -> bool:
        """Whether a higher value is better."""
        return self.direction is Direction.HIGHER_BETTER

    def name(self, language: str) -> str:
        """The measure's name in ``language`` (zh_CN or en)."""
        return self.name_en if language == "en" else self.name_zh

    def definition(self, language: str) -> str:
        """The one-line definition in ``language`` (zh_CN or en)."""
        return self.definition_en if language == "en" else self.definition_zh

    def param(self, key: str) -> ParamValue | None:
        """One parameter of the computation, or None."""
        return dict(self.params).get(key)

    def check(self, value: float) -> float:
        """``value`` if it is a finite number inside the measure's range; Invalid otherwise."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise Invalid("The value of {id} is not a number.", params={"id": self.id})
        if not self.low <= value <= self.high:
            raise Invalid(
                "The value {value} of {id} lies outside its range {low} to {high}.",
                params={
                    "id": self.id,
                    "value": number(value),
                    "low": number(self.low),
                    "high": number(self.high),
                },
            )
        return value


@dataclass(frozen=True, slots=True)
class Indicator(Measure):
    """A community-safety-index indicator."""

    category: str


@dataclass(frozen=True, slots=True)
class Component(Measure):
    """A component of a KPI index, scored 0–100 between its goalposts."""

    index: str
    goalposts: tuple[float, float]  # (worst, best): the values scoring 0 and 100
    rollup: Rollup

    def score(self, value: float) -> float:
        """The 0–100 score of a raw value: linear between the goalposts, clamped."""
        worst, best = self.goalposts
        return 100.0 * min(1.0, max(0.0, (self.check(value) - worst) / (best - worst)))


@dataclass(frozen=True, slots=True)
class GuideGroup:
    """One of the guide's three weight groups of the safety index (AN-3)."""

    id: str
    name_zh: str
    name_en: str
    weight: float  # % of the index


@dataclass(frozen=True, slots=True)
class Category:
    """A safety-index category: part of one guide group, holding its indicators."""

    id: str
    name_zh: str
    name_en: str
    group: str
    weight: float  # % of the index
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class KpiIndex:
    """One of the KPI indices and its weighted components."""

    id: str
    name_zh: str
    name_en: str
    components: tuple[Component, ...]


@dataclass(frozen=True, slots=True)
class ExpertField:
    """A field of the expert panel (EVAL-5)."""

    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class ImprovementItem:
    """One of the quarterly improvement list's items (EVAL-4), with the measures it moves."""

    id: str
    name_zh: str
    name_en: str
    target_zh: str
    target_en: str
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """A validated catalogue version (build it with :func:`catalogue.parse_catalogue`)."""

    version: str
    groups: tuple[GuideGroup, ...]
    categories: tuple[Category, ...]
    min_present_weight: float  # % of a KPI index's weight that must be present
    indices: tuple[KpiIndex, ...]
    expert_fields: tuple[ExpertField, ...]
    improvement_items: tuple[ImprovementItem, ...]
    _measures: dict[str, Measure] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        found: dict[str, Measure] = {m.id: m for m in self.indicators}
        found.update((c.id, c) for index in self.indices for c in index.components)
        object.__setattr__(self, "_measures", found)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """The safety-index indicators, category by category."""
        return tuple(i for c in self.categories for i in c.indicators)

    @property
    def components(self) -> tuple[Component, ...]:
        """The KPI components, index by index."""
        return tuple(c for index in self.indices for c in index.components)

    def measure(self, measure_id: str) -> Measure:
        """The indicator or component ``measure_id``; Invalid if there is none."""
        try:
            return self._measures[measure_id]
        except KeyError:
            raise Invalid("Unknown indicator {id}.", params={"id": measure_id}) from None

    def index(self, index_id: str) -> KpiIndex:
        """The KPI index ``index_id``; Invalid if there is none."""
        for index in self.indices:
            if index.id == index_id:
                return index
        raise Invalid("Unknown index {id}.", params={"id": index_id})

    def effective_weights(self) -> dict[str, float]:
        """Each indicator's share of the whole safety index (fractions summing to 1)."""
        return {i.id: c.weight * i.weight / 10_000.0 for c in self.categories for i in c.indicators}

    def __iter__(self) -> Iterator[Measure]:
        return iter(self._measures.values())


def number(value: float) -> str:
    """A number for a message: no trailing ``.0``, at most 6 significant decimals."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
