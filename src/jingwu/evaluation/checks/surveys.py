"""Imported survey results (EVAL-5): a CSV file checked line by line, stored whole or not at all.

Beyond the file's own form (:mod:`.surveycsv`), each row must name a unit in the importer's
scope and an indicator of the catalogue that is imported (not computed by the platform),
for a period of the indicator's frequency, with a value inside the indicator's range, and
appear once in the file. The same file is not imported twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Conflict, DomainError, Invalid
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.checks import surveycsv
from jingwu.evaluation.checks.models import SurveyImport, SurveyResult
from jingwu.evaluation.checks.periods import period_kind
from jingwu.evaluation.checks.surveycsv import SurveyRow
from jingwu.evaluation.measures import Measure
from jingwu.evaluation.vocab import Source
from jingwu.evaluation.vocab import Unit as MeasureUnit
from jingwu.org.models import Unit

MAX_BYTES = 1 << 20
FREQUENCY_PERIOD = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}


def importable() -> list[Measure]:
    """The catalogue's measures a survey file may carry (those imported, not computed)."""
    return [m for m in default_catalogue() if m.source is Source.IMPORTED]


def _check_row(row: SurveyRow, units: dict[str, Unit]) -> tuple[Unit, Measure]:
    unit = units.get(row.unit)
    if unit is None:
        raise Invalid("unknown unit")
    try:
        measure = default_catalogue().measure(row.indicator)
    except DomainError:
        raise Invalid("unknown indicator") from None
    if measure.source is not Source.IMPORTED:
        raise Invalid("indicator not imported")
    if FREQUENCY_PERIOD[str(measure.frequency)] != period_kind(row.period):
        raise Invalid("period does not match the indicator's frequency")
    scored = measure.unit in (MeasureUnit.SCORE_5, MeasureUnit.SCORE_100)
    if scored != (row.score is not None):
        raise Invalid("score for a score indicator, share for a percentage")
    try:
        measure.check(row.value)
    except DomainError:
        raise Invalid("value outside the indicator's range") from None
    return unit, measure


def _units(session: Session, principal: Principal, rows: list[SurveyRow]) -> dict[str, Unit]:
    codes = sorted({r.unit for r in rows})
    found = session.scalars(
        scoped(select(Unit), principal, Unit.id).where(Unit.short_code.in_(codes))
    )
    return {u.short_code: u for u in found}


def check_rows(
    session: Session,
    principal: Principal,
    rows: list[SurveyRow],
    errors: dict[str, str] | None = None,
) -> list[tuple[SurveyRow, Unit]]:
    """Each row with its unit; Invalid naming every bad line (with the file's ``errors``)."""
    units = _units(session, principal, rows)
    errors = dict(errors or {})
    seen: set[tuple[str, str, str]] = set()
    out = []
    for row in rows:
        key = (row.unit, row.period, row.indicator)
        try:
            if key in seen:
                raise Invalid("the same unit, period and indicator twice")
            seen.add(key)
            unit, _ = _check_row(row, units)
            out.append((row, unit))
        except DomainError as exc:
            errors[f"line {row.line}"] = exc.template
    if errors:
        raise surveycsv.refuse(errors)
    return out


def _check_new(session: Session, unit_id: int, digest: str) -> None:
    taken = session.scalar(
        select(SurveyImport.id).where(
            SurveyImport.unit_id == unit_id, SurveyImport.sha256 == digest
        )
    )
    if taken is not None:
        raise Conflict("This file was imported already.", code="duplicate_file")


def import_survey(
    session: Session,
    principal: Principal,
    *,
    filename: str,
    content: bytes,
    now: dt.datetime,
) -> SurveyImport:
    """Check a survey file and store its rows, all of them or none."""
    principal.require("evaluation.inspect")
    if principal.unit_id is None:
        raise Invalid("The operator imports as a user: give --as-user.")
    if len(content) > MAX_BYTES:
        raise Invalid("A survey file has at most 1 MiB.", fields={"file": "too large"})
    rows = check_rows(session, principal, *surveycsv.read(surveycsv.decode(content)))
    digest = hashlib.sha256(content).hexdigest()
    _check_new(session, principal.unit_id, digest)
    batch = SurveyImport(
        unit_id=principal.unit_id,
        filename=(filename.replace("\\", "/").rsplit("/", 1)[-1] or "survey.csv")[:255],
        sha256=digest,
        rows=len(rows),
        imported_at=now,
        imported_by_id=principal.user_id,
    )
    session.add(batch)
    session.flush()
    session.add_all(
        SurveyResult(
            import_id=batch.id,
            line=row.line,
            unit_id=unit.id,
            period=row.period,
            indicator=row.indicator,
            respondents=row.respondents,
            score=row.score,
            share=row.share,
            value=row.value,
        )
        for row, unit in rows
    )
    session.flush()
    return batch


@dataclass(frozen=True)
class ImportLine:
    """An import in the list, with the importing unit."""

    batch: SurveyImport
    unit: Unit


def import_line(session: Session, batch: SurveyImport) -> ImportLine:
    """An import with its unit."""
    unit = session.get(Unit, batch.unit_id)
    assert unit is not None
    return ImportLine(batch, unit)


def list_imports(session: Session, principal: Principal) -> list[ImportLine]:
    """Survey imports of units in scope, newest first."""
    stmt = (
        scoped(select(SurveyImport, Unit), principal, SurveyImport.unit_id)
        .join(Unit, Unit.id == SurveyImport.unit_id)
        .order_by(SurveyImport.imported_at.desc(), SurveyImport.id.desc())
    )
    return [ImportLine(b, u) for b, u in session.execute(stmt)]


def results(
    session: Session, principal: Principal, *, import_id: int | None = None, limit: int = 200
) -> list[tuple[SurveyResult, Unit]]:
    """Imported rows of units in scope (of one import if given), newest import first."""
    stmt = (
        scoped(select(SurveyResult, Unit), principal, SurveyResult.unit_id)
        .join(Unit, Unit.id == SurveyResult.unit_id)
        .order_by(SurveyResult.import_id.desc(), SurveyResult.line)
        .limit(limit)
    )
    if import_id is not None:
        stmt = stmt.where(SurveyResult.import_id == import_id)
    return [(r, u) for r, u in session.execute(stmt)]
