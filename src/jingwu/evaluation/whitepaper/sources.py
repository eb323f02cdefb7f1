"""What the white paper's source modules share: the year's window and month helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evaluation.whitepaper.specs import SPECS
from jingwu.evaluation.whitepaper.tally import Tally

Dates = dict[str, dt.datetime | None]


@dataclass(frozen=True)
class Window:
    """A local calendar year as UTC instants; ``end`` is the year's end or now if earlier."""

    year: int
    start: dt.datetime
    end: dt.datetime
    through: int  # months of the year that have begun (0 for a future year)

    def has(self, at: dt.datetime | None) -> bool:
        """Whether an instant lies in the window."""
        return at is not None and self.start <= at < self.end


def month(at: dt.datetime) -> int:
    """The local month (1–12) of an instant."""
    return at.astimezone(LOCAL).month


def tallies(*ids: str) -> dict[str, Tally]:
    """Empty tallies of the given figures, of the kinds their specs name."""
    kinds = {s.id: s.kind for s in SPECS}
    return {i: Tally(kinds[i]) for i in ids}


def newest(values: Iterable[dt.datetime | None]) -> dt.datetime | None:
    """The latest of some instants (None when there are none)."""
    present = [v for v in values if v is not None]
    return max(present) if present else None
