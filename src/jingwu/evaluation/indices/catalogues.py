"""Catalogue versions: the seed stored as ``2026.1`` on first use, administrators' edits
stored as new versions (validated by :func:`parse_catalogue`), one version active."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.audit import service as audit
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.evaluation.catalogue import catalogue_to_data, default_catalogue, parse_catalogue
from jingwu.evaluation.indices.computations import QUERIES
from jingwu.evaluation.indices.models import CatalogueVersion
from jingwu.evaluation.measures import Catalogue
from jingwu.evaluation.vocab import Source


def active(session: Session, *, now: dt.datetime) -> tuple[CatalogueVersion, Catalogue]:
    """The active version and its catalogue; the seed is stored and activated on first use."""
    row = session.scalar(select(CatalogueVersion).where(CatalogueVersion.active.is_(True)))
    if row is None:
        row = session.scalar(select(CatalogueVersion).order_by(CatalogueVersion.id.desc()))
    if row is None:
        seed = default_catalogue()
        row = CatalogueVersion(
            version=seed.version,
            data=catalogue_to_data(seed),
            active=True,
            note="seed",
            created_at=now,
        )
        session.add(row)
        session.flush()
    return row, parse_catalogue(row.data)


def versions(session: Session) -> list[CatalogueVersion]:
    """Every stored version, newest first."""
    return list(session.scalars(select(CatalogueVersion).order_by(CatalogueVersion.id.desc())))


def check_queries(catalogue: Catalogue) -> None:
    """Every computed measure names a computation the platform has."""
    for m in catalogue:
        if m.source is Source.COMPUTED and m.query not in QUERIES:
            raise Invalid("{id} has no computation {query}.", params={"id": m.id, "query": m.query})


def save(
    session: Session,
    principal: Principal,
    *,
    data: dict[str, Any],
    note: str = "",
    activate: bool = True,
    now: dt.datetime,
) -> CatalogueVersion:
    """Store an edited catalogue as a new version (and make it the active one)."""
    principal.require("evaluation.catalogue")
    active(session, now=now)  # the seed is there first, so a first edit is not version 1
    catalogue = parse_catalogue(data)
    check_queries(catalogue)
    if session.scalar(
        select(CatalogueVersion.id).where(CatalogueVersion.version == catalogue.version)
    ):
        raise Conflict(
            "The catalogue version {version} exists already; give the edit a new version.",
            params={"version": catalogue.version},
        )
    row = CatalogueVersion(
        version=catalogue.version,
        data=catalogue_to_data(catalogue),
        active=False,
        note=note,
        created_at=now,
        created_by_id=principal.user_id,
    )
    session.add(row)
    session.flush()
    if activate:
        choose(session, principal, version=row.version, now=now)
    return row


def choose(
    session: Session, principal: Principal, *, version: str, now: dt.datetime
) -> CatalogueVersion:
    """Make ``version`` the active catalogue."""
    principal.require("evaluation.catalogue")
    row = session.scalar(select(CatalogueVersion).where(CatalogueVersion.version == version))
    if row is None:
        raise NotFound("No catalogue version {version}.", params={"version": version})
    session.execute(update(CatalogueVersion).values(active=False))
    row.active = True
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="evaluation.catalogue_activated",
        object_type="eval_catalogue_versions",
        object_id=row.id,
        detail={"version": version},
        now=now,
    )
    return row
