"""Requests transferred from the 12345 hotline and 110 dispatch feeds into the inbox.

A feed row names its source record (``ref``, kept as ``source_ref``), a catalogue
``category``, a ``description`` and optionally ``lat``/``lon``, the caller's ``phone`` and
``name``. A ref already in the inbox for the channel is skipped (imports can be repeated);
a wrong row is reported with its line and the others are taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.errors import DomainError, Invalid
from jingwu.importfiles import csv_rows, load_json
from jingwu.portal import service
from jingwu.portal.models import PublicInbox

FEED_CHANNELS = ("hotline12345", "dispatch110")
MAX_FEED_BYTES = 4 * 1024 * 1024
MAX_ROWS = 5000


@dataclass
class FeedReport:
    added: list[str] = field(default_factory=list)  # tracking tokens
    skipped: list[str] = field(default_factory=list)  # refs already in the inbox
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line or index, why)


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Invalid("The location is not valid.", fields={"location": "Pick a place."}) from None


def take(
    session: Session,
    *,
    channel: str,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    now: dt.datetime,
) -> FeedReport:
    """Hand each row inward through :func:`jingwu.portal.service.submit`."""
    if channel not in FEED_CHANNELS:
        raise Invalid("Unknown channel '{channel}'.", params={"channel": channel})
    report = FeedReport()
    for line, row in rows:
        if len(report.added) + len(report.skipped) + len(report.errors) >= MAX_ROWS:
            report.errors.append((line, "more than 5000 rows: the rest is not read"))
            break
        ref = str(row.get("ref") or "").strip()[:64]
        if any(isinstance(v, str) and "\x00" in v for v in row.values()):
            report.errors.append((line, "a value holds a NUL character"))
            continue
        if not ref:
            report.errors.append((line, "ref is missing"))
            continue
        seen = select(PublicInbox.id).where(
            PublicInbox.channel == channel, PublicInbox.source_ref == ref
        )
        if session.scalar(seen.limit(1)) is not None:
            report.skipped.append(ref)
            continue
        try:
            with session.begin_nested():
                sub = service.submit(
                    session,
                    channel=channel,
                    service_code=str(row.get("category") or ""),
                    description=str(row.get("description") or ""),
                    lat=_float(row.get("lat")),
                    lon=_float(row.get("lon")),
                    contact_phone=str(row.get("phone") or "") or None,
                    contact_name=str(row.get("name") or "") or None,
                    source_ref=ref,
                    now=now,
                )
        except DomainError as exc:
            report.errors.append((line, exc.message))
            continue
        report.added.append(sub.token)
    return report


def parse(filename: str, content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a JSON (a list, or {"requests": [...]}) or CSV feed file; MalformedFile
    (from :mod:`jingwu.importfiles`) when it is neither."""
    text = content.decode("utf-8-sig", errors="replace")
    if filename.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        doc = load_json(text)
        items = doc.get("requests", []) if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise Invalid("A feed holds a list of requests.", fields={"file": "not a feed"})
        return [(i + 1, dict(r) if isinstance(r, dict) else {}) for i, r in enumerate(items)]
    _, rows = csv_rows(text)
    return [(line, dict(row)) for line, row in rows]
