"""Publishing the sunshine dataset: read, suppress, write a version, log its hash.

Only complete months are published (:func:`jingwu.sunshine.collect.complete_months`), and a
month's count figures are computed once, by the first version that holds the month, then
carried over unchanged: versions cannot be compared to undo a suppression. Index values and
the draws are read afresh each run.

Idempotent by content: a run whose figures (everything but the version number and the time)
hash to the same value as the newest version's writes nothing. Otherwise it writes version
n + 1 (a unique number: of two workers racing, the second one's insert fails and its
transaction rolls back), its cells, and an evidence-log entry carrying the SHA-256 of the
version's canonical JSON (which itself carries the CSV's SHA-256), so anyone holding a
download can prove it is what was published, and when.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.evidence import proofs
from jingwu.evidence import service as evidence
from jingwu.org.models import Unit
from jingwu.sunshine import collect
from jingwu.sunshine.dataset import build, csv_body, document, frozen_part, sha256_hex
from jingwu.sunshine.models import SunshineCell, SunshineVersion
from jingwu.sunshine.suppress import K

SUBJECT = "SUNSHINE"  # the evidence item's subject: each version is a version of it
MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class Published:
    """The outcome of a run: the version written, or None when nothing changed."""

    version: SunshineVersion | None
    indexed: int  # earlier versions whose log index was filled in


def latest(session: Session) -> SunshineVersion | None:
    """The newest version."""
    return session.scalars(
        select(SunshineVersion).order_by(SunshineVersion.version.desc()).limit(1)
    ).first()


def publish(
    session: Session, *, now: dt.datetime, k: int = K, months: int = collect.MONTHS
) -> Published:
    """Publish a new version if the figures changed; fill in the log indexes sequenced since."""
    indexed = fill_log_indexes(session)
    last = latest(session)
    frozen = frozen_part(json.loads(last.json_body)) if last is not None else {}
    dataset = build(collect.collect(session, now=now, n_months=months), k=k, frozen=frozen)
    if last is not None and last.content_sha256 == dataset.content_sha256:
        return Published(None, indexed)
    number = 1 if last is None else last.version + 1
    csv_bytes = csv_body(dataset.rows)
    csv_sha = sha256_hex(csv_bytes)
    at = now.astimezone(dt.UTC).isoformat(timespec="seconds")
    body = document(dataset, version=number, published_at=at, csv_sha256=csv_sha)
    logged = evidence.record_document(
        session,
        SYSTEM,
        subject=SUBJECT,
        unit_id=_root_unit(session),
        sha256=bytes.fromhex(sha256_hex(body)),
        size=len(body),
        media_type=MEDIA_TYPE,
        filename=f"sunshine-v{number}.json",
        note=f"sunshine dataset version {number}: CSV SHA-256 {csv_sha}",
        now=now,
    )
    months_ = dataset.content["months"]
    row = SunshineVersion(
        version=number,
        published_at=now,
        first_month=months_[0],
        last_month=months_[-1],
        content_sha256=dataset.content_sha256,
        sha256=sha256_hex(body),
        csv_sha256=csv_sha,
        json_body=body.decode(),
        csv_body=csv_bytes.decode(),
        cells=len(dataset.rows),
        withheld=dataset.withheld,
        evidence_item=logged.item_code,
        evidence_version=logged.version,
        evidence_entry_id=logged.entry_id,
        leaf_hash=logged.leaf_hash.hex(),
        log_index=proofs.leaf_index(session, logged.entry_id),
    )
    session.add(row)
    session.flush()
    if dataset.rows:
        session.execute(
            insert(SunshineCell),
            [
                {
                    "version_id": row.id,
                    "community": r[0],
                    "month": r[1],
                    "measure": r[2],
                    "category": r[3],
                    "tier": r[4],
                    "value": r[5],
                }
                for r in dataset.rows
            ],
        )
    return Published(row, indexed)


def fill_log_indexes(session: Session) -> int:
    """Copy the log index of versions the sequencer has covered since they were written
    (the internet zone reads only ``pub_*`` tables, so the index is kept with the version)."""
    n = 0
    for row in session.scalars(select(SunshineVersion).where(SunshineVersion.log_index.is_(None))):
        index = proofs.leaf_index(session, row.evidence_entry_id)
        if index is not None:
            row.log_index = index
            n += 1
    if n:
        session.flush()
    return n


def _root_unit(session: Session) -> int:
    """The unit a city-wide record belongs to: the top of the tree."""
    found = session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    if found is None:
        raise LookupError("no unit to publish for: create the organisation first")
    return int(found)
