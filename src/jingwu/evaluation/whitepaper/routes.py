"""The white paper page (``/evaluation/white-paper?year=``) and its PDF download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evaluation.whitepaper import cache, content, render
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, SettingsDep
from jingwu.web.i18n import error_text
from jingwu.web.templating import render as render_page

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Requires("evaluation.view")]
Year = Annotated[int | None, Query(ge=2000, le=2100)]


@router.get("/evaluation/white-paper", response_class=HTMLResponse)
def white_paper_page(
    request: Request, session: SessionDep, principal: Viewer, now: Now, year: Year = None
) -> Response:
    """The year's white paper as a page; one sentence instead when the data are stale."""
    chosen = year or now.astimezone(LOCAL).year
    language = getattr(request.state, "language", "zh_CN")
    try:
        paper = content.build(session, principal, year=chosen, now=now)
    except DomainError as exc:
        context = {"year": chosen, "paper": None, "tab": "white_paper"}
        context["error"] = error_text(request, exc)
        return render_page(request, "evaluation/white_paper.html", context)
    context = {"year": chosen, "tab": "white_paper", **render.view(paper, language)}
    return render_page(request, "evaluation/white_paper.html", context)


@router.get("/evaluation/white-paper.pdf")
def white_paper_pdf(
    request: Request,
    session: SessionDep,
    principal: Viewer,
    now: Now,
    settings: SettingsDep,
    year: Year = None,
) -> Response:
    """The year's white paper as a PDF (409 with one sentence when the data are stale),
    printed once per data state and kept (:mod:`.cache`)."""
    chosen = year or now.astimezone(LOCAL).year
    language = getattr(request.state, "language", "zh_CN")
    content.check_current(session, principal, year=chosen, now=now)

    def printed() -> bytes:
        return render.pdf(content.build(session, principal, year=chosen, now=now), language)

    body = cache.cached_pdf(
        settings.var_dir / "cache" / "white-paper",
        year=chosen,
        language=language,
        scope=principal.unit_path,
        data=cache.fingerprint(session),
        render=printed,
    )
    name = f"white-paper-{chosen}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
