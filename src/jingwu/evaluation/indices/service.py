"""The indices' use cases: recompute a period, enter and import values, catalogue versions.

A recompute of a month replaces that month's and its quarter's computed values and index
results, keeping every entered or imported value: running it twice gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM, Principal
from jingwu.audit import service as audit
from jingwu.evaluation.indices import results, values
from jingwu.evaluation.indices.catalogues import active
from jingwu.evaluation.indices.compute_base import stations
from jingwu.evaluation.indices.periods import Period, parse_period, ranked_periods

__all__ = ["Recomputed", "recompute", "recompute_periods"]


@dataclass(frozen=True, slots=True)
class Recomputed:
    """What a recompute wrote."""

    periods: tuple[str, ...]
    values: int
    results: int
    catalogue_version: str


def recompute(
    session: Session, period: str, *, now: dt.datetime, principal: Principal = SYSTEM
) -> Recomputed:
    """Recompute a month (and its quarter) or a quarter: values, then index results."""
    principal.require("evaluation.manage")
    done = recompute_periods(session, ranked_periods(parse_period(period)), now=now)
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="evaluation.recompute",
        object_type="eval_index_results",
        detail={"periods": list(done.periods), "values": done.values, "results": done.results},
        now=now,
    )
    return done


def recompute_periods(
    session: Session, periods: Iterable[Period], *, now: dt.datetime
) -> Recomputed:
    """The values of every period, then their index results (a month's index reads its
    quarter's values of quarterly measures). No permission check, no audit."""
    _, catalogue = active(session, now=now)
    where = stations(session)
    chosen = list(dict.fromkeys(periods))
    stored: values.Stored = {}
    n_values = values.store_computed(session, catalogue, chosen, where, now=now, stored=stored)
    nodes = results.tree(session)
    n_results = sum(
        results.store(session, catalogue, p, now=now, nodes=nodes, known=stored) for p in chosen
    )
    done = [str(p) for p in chosen]
    return Recomputed(tuple(done), n_values, n_results, catalogue.version)
