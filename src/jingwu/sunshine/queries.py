"""What the public pages read: the published tables only (``pub_sunshine_*``)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from jingwu.errors import NotFound
from jingwu.sunshine.models import SunshineCell, SunshineVersion

_LIST = (
    SunshineVersion.id,
    SunshineVersion.version,
    SunshineVersion.published_at,
    SunshineVersion.first_month,
    SunshineVersion.last_month,
    SunshineVersion.sha256,
    SunshineVersion.csv_sha256,
    SunshineVersion.cells,
    SunshineVersion.withheld,
    SunshineVersion.evidence_item,
    SunshineVersion.evidence_version,
    SunshineVersion.leaf_hash,
    SunshineVersion.log_index,
)


def latest(session: Session) -> SunshineVersion | None:
    """The newest version (without its bodies)."""
    return session.scalars(
        select(SunshineVersion)
        .options(load_only(*_LIST))
        .order_by(SunshineVersion.version.desc())
        .limit(1)
    ).first()


def versions(session: Session, *, limit: int = 200) -> list[SunshineVersion]:
    """The versions, newest first (without their bodies)."""
    return list(
        session.scalars(
            select(SunshineVersion)
            .options(load_only(*_LIST))
            .order_by(SunshineVersion.version.desc())
            .limit(limit)
        )
    )


def version(session: Session, *, number: int) -> SunshineVersion:
    """Version ``number`` with its bodies, or NotFound."""
    row = session.scalars(select(SunshineVersion).where(SunshineVersion.version == number)).first()
    if row is None:
        raise NotFound("No published version {version}.", params={"version": number})
    return row


@lru_cache(maxsize=8)
def _parsed(sha256: str, body: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def document(session: Session, row: SunshineVersion) -> dict[str, Any]:
    """The version's JSON document, parsed (places, categories, draws, months)."""
    body = session.scalar(select(SunshineVersion.json_body).where(SunshineVersion.id == row.id))
    return _parsed(row.sha256, body or "{}")


@dataclass
class View:
    """What the page shows for a community (or all) and a month."""

    month: str
    community: str | None
    totals: dict[str, dict[str, float]] = field(default_factory=dict)  # code -> measure -> v
    table: dict[str, dict[str, float]] = field(default_factory=dict)  # category -> tier -> v
    closed: dict[str, dict[str, float]] = field(default_factory=dict)
    trend: dict[str, dict[str, float]] = field(default_factory=dict)  # month -> measure -> v


def view(
    session: Session,
    row: SunshineVersion,
    *,
    month: str,
    community: str | None,
    months: Sequence[str] = (),
) -> View:
    """The published figures of ``month`` (every community), the request tables of one
    community, and its trend (or the trend of the published totals of all) over every
    month of ``months`` (a month without a published figure is there, empty)."""
    out = View(month, community)
    stmt = select(SunshineCell).where(SunshineCell.version_id == row.id)
    for c in session.scalars(stmt.where(SunshineCell.month == month)):
        if c.category == "all" and c.tier == "all":
            out.totals.setdefault(c.community, {})[c.measure] = c.value
        if community is not None and c.community == community:
            if c.measure == "received":
                out.table.setdefault(c.category, {})[c.tier] = c.value
            elif c.measure == "closed":
                out.closed.setdefault(c.category, {})[c.tier] = c.value
    trend: dict[str, dict[str, float]] = defaultdict(dict, {m: {} for m in months})
    wanted = ("received", "closed")
    stmt = stmt.where(
        SunshineCell.measure.in_(wanted), SunshineCell.category == "all", SunshineCell.tier == "all"
    )
    if community is not None:
        stmt = stmt.where(SunshineCell.community == community)
    for c in session.scalars(stmt):
        trend[c.month][c.measure] = trend[c.month].get(c.measure, 0.0) + c.value
    out.trend = dict(sorted(trend.items()))
    return out
