"""JSON API of the spot checks under ``/api/v1/evaluation``.

Reading needs ``evaluation.view``; drawing, recording outcomes, visits, reviews and imports
need ``evaluation.inspect``. A record outside the caller's scope is 404; a rule broken is 422
naming the field (survey files: the lines); a state that does not allow it (a draw made
already, too early, too late) is 409. Nothing changes on any of them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, UploadFile

from jingwu.accounts.scope import Principal
from jingwu.evaluation.checks import (
    experts,
    feed,
    mystery,
    orange,
    outcomes,
    queries,
    service,
    surveys,
)
from jingwu.evaluation.checks.periods import half_of, local_date, local_month
from jingwu.evaluation.checks.schemas import (
    HALF,
    MONTH,
    UNIT,
    CoverageOut,
    DrawIn,
    DrawLineOut,
    DrawOut,
    ErrorOut,
    ExpertIn,
    ExpertOut,
    FieldOut,
    HalfOut,
    ImportOut,
    IndicatorValueOut,
    OutcomeIn,
    PanelOut,
    PublishedOut,
    ReviewIn,
    ReviewOut,
    StationVisitsOut,
    VerdictOut,
    VisitIn,
    VisitOut,
)
from jingwu.evaluation.checks.verify import verify_draw
from jingwu.evidence.logkeys import load_log_keys
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, SettingsDep, one_transaction
from jingwu.web.openapi import API_ERRORS

router = APIRouter(
    prefix="/api/v1/evaluation", tags=["evaluation: spot checks"], responses=API_ERRORS
)
Viewer = Annotated[Principal, Requires("evaluation.view")]
Inspector = Annotated[Principal, Requires("evaluation.inspect")]
Year = Annotated[
    int | None, Query(ge=2000, le=2100, description="the calendar year (default: this year)")
]
Code = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,40}$", description="the draw's code")]
Station = Annotated[str, Path(pattern=UNIT, description="the station's short code")]
Month = Annotated[str, Path(pattern=MONTH, description="the month, e.g. 2026-12")]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "not signed in",
        403: "the caller's role may not do this (the message names the role)",
        404: "no such record in the caller's scope",
        409: "the draw's state does not allow this (committed or drawn already, too early)",
        413: "the request body is too large",
        422: "an input is missing or breaks a rule (fields names it; for files, the lines)",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


@router.get("/draws", response_model=list[DrawLineOut], responses=_errors(401, 403, 422))
@one_transaction
def list_draws(
    session: SessionDep,
    principal: Viewer,
    now: Now,
    year: Year = None,
    kind: Annotated[str | None, Query(pattern="^(station|order|orange)$")] = None,
) -> list[DrawLineOut]:
    """The year's draws of drawing units in scope, newest month first."""
    rows = queries.list_draws(session, principal, year=year or now.year, kind=kind)
    return [DrawLineOut.of(r) for r in rows]


@router.post(
    "/draws", response_model=DrawOut, status_code=201, responses=_errors(401, 403, 409, 422)
)
@one_transaction
def commit_draw(session: SessionDep, principal: Inspector, now: Now, body: DrawIn) -> DrawOut:
    """Commit a draw: fix its inputs and secret seed, log the commitment in the evidence log."""
    row = service.commit_draw(
        session,
        principal,
        kind=body.kind,
        unit=body.unit,
        period=body.period,
        quota=body.quota,
        team=body.team,
        now=now,
    )
    return DrawOut.of(queries.draw_detail(session, principal, code=row.code))


@router.get("/draws/{code}", response_model=DrawOut, responses=_errors(401, 403, 404))
@one_transaction
def get_draw(session: SessionDep, principal: Viewer, code: Code) -> DrawOut:
    """A draw: its inputs and commitment; its seed, pools and pairs once drawn."""
    return DrawOut.of(queries.draw_detail(session, principal, code=code))


@router.post("/draws/{code}/draw", response_model=DrawOut, responses=_errors(401, 403, 404, 409))
@one_transaction
def run_draw(session: SessionDep, principal: Inspector, now: Now, code: Code) -> DrawOut:
    """Reveal the seed and draw (stations and orders; orange draws through /orange)."""
    row = service.run_draw(session, principal, code=code, now=now)
    return DrawOut.of(queries.draw_detail(session, principal, code=row.code))


@router.post(
    "/draws/{code}/outcomes", response_model=DrawOut, responses=_errors(401, 403, 404, 409, 422)
)
@one_transaction
def record_outcome(
    session: SessionDep, principal: Inspector, now: Now, code: Code, body: OutcomeIn
) -> DrawOut:
    """Record (or correct) the outcome at one drawn target."""
    outcomes.record_outcome(
        session,
        principal,
        code=code,
        target=body.target,
        purpose=body.purpose,
        status=body.status,
        finding=body.finding,
        follow_up_order=body.follow_up_order,
        now=now,
    )
    return DrawOut.of(queries.draw_detail(session, principal, code=code))


@router.get(
    "/draws/{code}/verification", response_model=VerdictOut, responses=_errors(401, 403, 404)
)
@one_transaction
def verification(
    session: SessionDep, principal: Viewer, settings: SettingsDep, code: Code
) -> VerdictOut:
    """Re-run the draw and check it against the evidence log (ok, or what differs)."""
    verdict = verify_draw(session, principal, code=code, keys=load_log_keys(settings))
    return VerdictOut(code=code.upper(), ok=verdict.ok, message=verdict.sentence())


@router.post(
    "/orange/{station}/{month}/commit",
    response_model=DrawOut,
    status_code=201,
    responses=_errors(401, 403, 409, 422),
)
@one_transaction
def commit_orange(
    session: SessionDep, principal: Inspector, now: Now, station: Station, month: Month
) -> DrawOut:
    """Commit a station-month's orange quota draw and log its commitment at once."""
    row = orange.commit(session, principal, station=station, month=month, now=now)
    return DrawOut.of(queries.draw_detail(session, principal, code=row.code))


@router.post(
    "/orange/{station}/{month}/draw",
    response_model=DrawOut,
    responses=_errors(401, 403, 404, 409, 422),
)
@one_transaction
def draw_orange(
    session: SessionDep, principal: Inspector, now: Now, station: Station, month: Month
) -> DrawOut:
    """Draw a station-month's re-inspections and home visits and pair them with inspectors."""
    row = orange.reveal(session, principal, station=station, month=month, now=now)
    return DrawOut.of(queries.draw_detail(session, principal, code=row.code))


@router.get("/coverage", response_model=CoverageOut, responses=_errors(401, 403, 422))
@one_transaction
def coverage(session: SessionDep, principal: Viewer, now: Now, year: Year = None) -> CoverageOut:
    """The share of stations in scope checked this year, month by month, against 100 %."""
    chosen = year or now.year
    view = queries.coverage(session, principal, year=chosen, through=local_month(now))
    return CoverageOut.of(view)


@router.get(
    "/published-checks", response_model=list[PublishedOut], responses=_errors(401, 403, 422)
)
@one_transaction
def published(
    session: SessionDep, principal: Viewer, now: Now, year: Year = None
) -> list[PublishedOut]:
    """The year's drawn checks of units in scope as they are published (no personal data)."""
    rows = queries.published_results(session, year=year or now.year, principal=principal)
    return [PublishedOut.of(r) for r in rows]


@router.get("/mystery-visits", response_model=HalfOut, responses=_errors(401, 403, 422))
@one_transaction
def visits(
    session: SessionDep,
    principal: Viewer,
    now: Now,
    half: Annotated[str | None, Query(pattern=HALF, description="default: this half-year")] = None,
) -> HalfOut:
    """A half-year's visits in scope: sample size, mean score and interval, pass rate."""
    half = half or half_of(local_date(now))
    report = mystery.half_report(session, principal, half=half)
    p, m = report.passing, report.mean
    return HalfOut(
        half=half,
        n=report.n,
        planned=report.plan.total if report.plan else None,
        enough=bool(p and p.enough),
        mean=m.mean if m else None,
        mean_low=m.low if m else None,
        mean_high=m.high if m else None,
        pass_rate=p.normal.estimate if p else None,
        margin=p.margin if p else None,
        wilson_low=p.wilson.low if p else None,
        wilson_high=p.wilson.high if p else None,
        stations=[
            StationVisitsOut(
                station=s.unit.short_code,
                planned=s.planned,
                visits=s.visits,
                passed=s.passed,
                mean=s.mean,
            )
            for s in report.stations
        ],
    )


@router.post(
    "/mystery-visits", response_model=VisitOut, status_code=201, responses=_errors(401, 403, 422)
)
@one_transaction
def record_visit(session: SessionDep, principal: Inspector, now: Now, body: VisitIn) -> VisitOut:
    """Record a mystery visit and its scoring sheet."""
    visit = mystery.record_visit(
        session,
        principal,
        station=body.station,
        visited_at=body.visited_at,
        visitor=body.visitor,
        scenario=body.scenario,
        scores=dict(body.scores),
        note=body.note,
        now=now,
    )
    return VisitOut(
        code=visit.code,
        half=visit.half,
        total=visit.total,
        environment=visit.environment,
        passed=visit.passed,
    )


@router.get("/experts", response_model=PanelOut, responses=_errors(401, 403, 422))
@one_transaction
def panel(session: SessionDep, principal: Viewer, now: Now, year: Year = None) -> PanelOut:
    """The expert panel in scope (the 8 fields) and the year's latest reviews."""
    chosen = year or now.year
    found = experts.panel(session, principal, year=chosen)
    return PanelOut(
        year=chosen,
        fields_covered=found.fields_covered,
        fields=[
            FieldOut(
                field=line.field.id,
                experts=[ExpertOut.of(e) for e in line.experts],
                reviews=line.reviews,
                mean=line.mean,
            )
            for line in found.lines
        ],
        latest=[ReviewOut.of(r, e, u.short_code) for r, e, u in found.latest],
    )


@router.post(
    "/experts", response_model=ExpertOut, status_code=201, responses=_errors(401, 403, 422)
)
@one_transaction
def add_expert(session: SessionDep, principal: Inspector, now: Now, body: ExpertIn) -> ExpertOut:
    """Add an expert to a panel."""
    expert = experts.add_expert(
        session,
        principal,
        unit=body.unit,
        name=body.name,
        field=body.field,
        affiliation=body.affiliation,
        now=now,
    )
    return ExpertOut.of(expert)


@router.post(
    "/expert-reviews",
    response_model=ReviewOut,
    status_code=201,
    responses=_errors(401, 403, 404, 422),
)
@one_transaction
def add_review(session: SessionDep, principal: Inspector, now: Now, body: ReviewIn) -> ReviewOut:
    """Record an expert's review of a unit."""
    review = experts.add_review(
        session,
        principal,
        expert=body.expert,
        unit=body.unit,
        reviewed_on=body.reviewed_on,
        score=body.score,
        text=body.text,
        now=now,
    )
    who = experts.get_expert(session, principal, code=body.expert)
    return ReviewOut.of(review, who, body.unit.upper())


@router.get("/surveys", response_model=list[ImportOut], responses=_errors(401, 403))
@one_transaction
def list_imports(session: SessionDep, principal: Viewer) -> list[ImportOut]:
    """Survey imports of units in scope, newest first."""
    return [ImportOut.of(line) for line in surveys.list_imports(session, principal)]


@router.post(
    "/surveys",
    response_model=ImportOut,
    status_code=201,
    responses=_errors(401, 403, 409, 413, 422),
)
@one_transaction
def import_survey(
    session: SessionDep,
    principal: Inspector,
    now: Now,
    file: Annotated[UploadFile, File(description="CSV in the template's columns")],
) -> ImportOut:
    """Import a survey file: every line checked, all rows stored or none."""
    content = file.file.read(surveys.MAX_BYTES + 1)
    batch = surveys.import_survey(
        session, principal, filename=file.filename or "survey.csv", content=content, now=now
    )
    return ImportOut.of(surveys.import_line(session, batch))


@router.get(
    "/indicator-values", response_model=list[IndicatorValueOut], responses=_errors(401, 403, 422)
)
@one_transaction
def indicator_values(
    session: SessionDep,
    principal: Viewer,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    period: Annotated[str | None, Query(max_length=7)] = None,
) -> list[IndicatorValueOut]:
    """Imported indicator values from surveys and mystery visits, with provenance."""
    rows = feed.indicator_rows(session, principal, indicator=indicator, period=period)
    return [IndicatorValueOut.of(r) for r in rows]
