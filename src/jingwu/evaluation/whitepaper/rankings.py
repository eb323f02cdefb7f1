"""The stations ranked on the stored index results (``evaluation.indices``) for the white
paper: the three KPI indices and the community safety index, for the year's latest quarter
that has results, with each rank's 5–95 % interval."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.evaluation.indices import queries as index_queries


@dataclass(frozen=True)
class Ranking:
    """One index's ranking of the stations in scope for a period."""

    index: str
    period: str
    rows: list[index_queries.RankRow]


def latest_quarter(
    session: Session, principal: Principal, *, year: int, through: int
) -> str | None:
    """The latest quarter of ``year`` (among those begun by month ``through``) with results."""
    for quarter in range((through + 2) // 3, 0, -1):
        period = f"{year}-Q{quarter}"
        if index_queries.ranking(session, principal, index=index_queries.INDICES[0], period=period):
            return period
    return None


def rankings(session: Session, principal: Principal, *, year: int, through: int) -> list[Ranking]:
    """Each index's ranking for the year's latest quarter with results (none: empty)."""
    period = latest_quarter(session, principal, year=year, through=through)
    if period is None:
        return []
    return [
        Ranking(
            index, period, index_queries.ranking(session, principal, index=index, period=period)
        )
        for index in index_queries.INDICES
    ]
