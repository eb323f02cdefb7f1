"""Pages of the indices: the ranking (with its map), a unit's scorecard, a value's rows."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from jingwu.accounts.scope import Principal
from jingwu.evaluation.indices import pages, queries
from jingwu.evaluation.indices.schemas import MONTH_OR_QUARTER, UNIT
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Requires("evaluation.view")]
Period = Annotated[str | None, Query(pattern=MONTH_OR_QUARTER)]
INDEX = r"^(kpi\.satisfaction|kpi\.efficiency|kpi\.social|safety)$"


def _labels() -> dict[str, dict[str, str]]:
    return {
        "units": pages.UNIT_LABELS,
        "sources": pages.SOURCE_LABELS,
        "indices": pages.INDEX_LABELS,
        "kinds": pages.KIND_LABELS,
        "levels": pages.LEVEL_LABELS,
    }


@router.get("/evaluation", response_class=HTMLResponse)
def ranking(
    request: Request,
    session: SessionDep,
    principal: Viewer,
    now: Now,
    index: Annotated[str | None, Query(pattern=INDEX)] = None,
    period: Period = None,
    level: Annotated[Literal["community", "street", "district"], Query()] = "community",
) -> Response:
    """Every station (street, district) in scope ranked on an index, with rank intervals,
    trends and a map."""
    page = pages.ranking_page(session, principal, index=index, period=period, now=now, level=level)
    return render(request, "evaluation/indices_ranking.html", {"page": page, **_labels()})


@router.get("/evaluation/units/{code}", response_class=HTMLResponse)
def scorecard(
    request: Request,
    session: SessionDep,
    principal: Viewer,
    now: Now,
    code: Annotated[str, Path(pattern=UNIT)],
    period: Period = None,
) -> Response:
    """A unit's scorecard: every measure's value, period, source and trend."""
    chosen = period or queries.latest_period(session, principal) or pages.last_month(now)
    card = queries.scorecard(session, principal, code=code, period=chosen, now=now)
    return render(request, "evaluation/indices_unit.html", {"card": card, **_labels()})


@router.get("/evaluation/values/{value_id}", response_class=HTMLResponse)
def value(
    request: Request,
    session: SessionDep,
    principal: Viewer,
    now: Now,
    value_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    """A value and the rows it was computed from, or who entered it from which file."""
    detail = queries.value_detail(session, principal, value_id=value_id, now=now)
    return render(request, "evaluation/indices_value.html", {"d": detail, **_labels()})
