"""The indices' use cases: recompute a period, enter and import values, catalogue versions.

A recompute of a month replaces that month's and its quarter's computed values and index
results, keeping every entered or imported value: running it twice gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM, Principal
from jingwu.audit import service as audit
from jingwu.evaluation.indices import results, values
from jingwu.evaluation.indices.catalogues import active
from jingwu.evaluation.indices.compute_base import stations
from jingwu.evaluation.indices.periods import parse_period, ranked_periods

__all__ = ["Recomputed", "recompute"]


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
    _, catalogue = active(session, now=now)
    where = stations(session)
    done, n_values, n_results = [], 0, 0
    for p in ranked_periods(parse_period(period)):
        n_values += values.store_computed(session, catalogue, p, where, now=now)
        n_results += results.store(session, catalogue, p, now=now)
        done.append(str(p))
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="evaluation.recompute",
        object_type="eval_index_results",
        detail={"periods": done, "values": n_values, "results": n_results},
        now=now,
    )
    return Recomputed(tuple(done), n_values, n_results, catalogue.version)
