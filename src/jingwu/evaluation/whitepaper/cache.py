"""The rendered white paper PDF, kept on disk so that it is printed once per data state.

A PDF is keyed by the year, the language, the reader's scope and a fingerprint of the data
it is printed from (:func:`fingerprint`: the stored indicator values' and index results'
count and newest computation, the newest change of a work order and the newest row of each
other table the paper counts from); a recompute or new records change the fingerprint, so
the next download prints a new PDF (older files of the same year, language and scope are
removed).

Concurrent downloads of the same key wait for one render (single flight): a lock per key
within the process (threads), and an exclusive ``flock`` on a lock file beside the PDF
across processes (several workers). The PDF is written to a temporary file and renamed
into place, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.analytics.models import Incident
from jingwu.evaluation.checks.models import CheckOutcome, ExpertReview, MysteryVisit, SurveyImport
from jingwu.evaluation.indices.models import IndexResult, IndicatorValue
from jingwu.evidence.models import EvidenceEntry
from jingwu.iot.models import Alert
from jingwu.workorders.models import Feedback, WorkOrder
from jingwu.workorders.models_cases import Mediation

# The record tables the white paper counts its own figures from: their newest row id.
_RECORDS = (
    Feedback,
    Mediation,
    Alert,
    EvidenceEntry,
    Incident,
    CheckOutcome,
    MysteryVisit,
    SurveyImport,
    ExpertReview,
)

_GUARD = threading.Lock()
_LOCKS: dict[str, threading.Lock] = {}
renders = 0  # PDFs printed by this process (read by the tests and the benchmark)


def fingerprint(session: Session) -> str:
    """A digest that changes whenever the data the paper is printed from change."""
    parts: list[object] = []
    for model in (IndicatorValue, IndexResult):
        parts += session.execute(select(func.count(), func.max(model.computed_at))).one()
    parts.append(session.scalar(select(func.max(WorkOrder.updated_at))))
    parts += [session.scalar(select(func.max(m.id))) for m in _RECORDS]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _name(*, year: int, language: str, scope: str) -> str:
    return hashlib.sha256(f"{year}|{language}|{scope}".encode()).hexdigest()[:16]


def _lock(key: str) -> threading.Lock:
    with _GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    with path.open("a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, body: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cached_pdf(
    directory: Path,
    *,
    year: int,
    language: str,
    scope: str,
    data: str,
    render: Callable[[], bytes],
) -> bytes:
    """The PDF of this key and data fingerprint: read from ``directory``, or rendered once
    by whichever caller comes first while the others wait for it."""
    global renders  # noqa: PLW0603 - a process-wide count
    directory.mkdir(parents=True, exist_ok=True)
    name = _name(year=year, language=language, scope=scope)
    path = directory / f"{name}-{data}.pdf"
    if path.is_file():
        return path.read_bytes()
    with _lock(name), _flock(directory / f"{name}.lock"):
        if path.is_file():  # rendered while this caller waited
            return path.read_bytes()
        body = render()
        renders += 1
        _write(path, body)
        for old in directory.glob(f"{name}-*.pdf"):
            if old != path:
                old.unlink(missing_ok=True)
    return body
