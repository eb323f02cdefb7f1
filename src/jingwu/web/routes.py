"""Shell pages: the dashboard, the language switch, health and metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy import text

from jingwu.accounts.principal import Principal
from jingwu.errors import NotFound
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.dashboard import cards
from jingwu.web.deps import SessionDep
from jingwu.web.i18n import pick_language
from jingwu.web.middleware import LANG_COOKIE
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
ZONES = frozenset({"intranet", "internet"})


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("dashboard.view")],
) -> Response:
    return render(request, "dashboard.html", {"cards": cards(session, principal)})


@router.get("/lang/{code}", dependencies=[PUBLIC])
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    language = pick_language(code)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, language, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


@router.get("/healthz", dependencies=[PUBLIC])
def health(session: SessionDep) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.get("/metrics", dependencies=[PUBLIC])
def metrics(request: Request) -> PlainTextResponse:
    if not request.app.state.settings.serves_metrics:
        raise NotFound("Page not found.")
    return PlainTextResponse(
        request.app.state.metrics.render(), media_type="text/plain; version=0.0.4"
    )
