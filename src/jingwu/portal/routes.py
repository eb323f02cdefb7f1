"""The citizen portal's pages (internet zone): home, submit, track, rate.

Hostile input is assumed: every form is CSRF-checked, photos are size-limited and cleaned,
a proof-of-work challenge and an SMS code guard each submission, and rate limits apply per
phone and per address. Pages show only published data (``pub_requests``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from jingwu.errors import DomainError, NotFound
from jingwu.portal import guard, ratings, service
from jingwu.portal.public import LABELS, PHRASES, current_step
from jingwu.portal.routes_submit import router as submit_router
from jingwu.web.authz import PUBLIC
from jingwu.web.deps import Now, SessionDep, client_ip
from jingwu.web.templating import render
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE

ZONES = frozenset({"internet"})
STATIC = Path(__file__).parent / "static"
_MEDIA = {".css": "text/css", ".js": "text/javascript"}

router = APIRouter(include_in_schema=False)
router.include_router(submit_router)


@router.get("/portal/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The portal's script and style sheet."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


def _not_found(request: Request) -> Response:
    """The public not-found page (the public layout, not the staff one)."""
    return render(request, "portal/not_found.html", {}, status_code=404)


def public_base_url(request: Request) -> str:
    """The site's address for links the citizen keeps: JINGWU_PUBLIC_URL, else this request's."""
    configured = request.app.state.settings.public_url
    return (configured or str(request.base_url)).rstrip("/")


@router.get("/portal", response_class=HTMLResponse, dependencies=[PUBLIC])
def home(request: Request) -> Response:
    """The portal's front page: report a problem, follow a request."""
    return render(request, "portal/home.html", {})


@router.get("/portal/track", response_class=HTMLResponse, dependencies=[PUBLIC])
def track_lookup(request: Request, token: str = "") -> Response:
    """Find a request by its reference."""
    token = token.strip()
    if token:
        return RedirectResponse(f"/portal/track/{token[:32]}", status_code=303)
    return render(request, "portal/track_lookup.html", {})


@router.get("/portal/track/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
def track(request: Request, session: SessionDep, token: str, new: str = "") -> Response:
    """A request's public status and timeline; the rating form once it is handled."""
    pub = service.published(session, token=token)
    if pub is None:
        return _not_found(request)
    language = getattr(request.state, "language", "zh_CN")
    known = pub.service_code in DEFAULT_CATALOGUE
    category = DEFAULT_CATALOGUE.get(pub.service_code) if known else None
    return render(
        request,
        "portal/track.html",
        {
            "pub": pub,
            "new": new == "1",
            "category": category.name(language) if category else pub.service_code,
            "phrases": {step: note for step, (_, note) in PHRASES.items()},
            "step": current_step(pub.timeline, pub.status),
            "labels": LABELS,
            "track_url": f"{public_base_url(request)}/portal/track/{pub.token}",
            "entries": [
                (dt.datetime.fromisoformat(e["at"]), e["step"])
                for e in pub.timeline
                if e.get("step") in PHRASES
            ],
            "rateable": ratings.may_rate(session, pub),
        },
    )


@router.post("/portal/track/{token}/rate", response_class=HTMLResponse, dependencies=[PUBLIC])
def rate(
    request: Request,
    session: SessionDep,
    now: Now,
    token: str,
    rating: Annotated[int, Form(ge=1, le=5)],
    resolved: Annotated[str, Form(max_length=4)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Record the citizen's rating of a handled request."""
    guard.check_rate(session, "rate", phone=None, address=client_ip(request), now=now)
    ratings.rate(
        session, token=token, rating=rating, resolved=resolved == "yes", comment=comment, now=now
    )
    return render(request, "portal/rated.html", {"token": token})


@router.get("/portal/feedback/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
def feedback_form(request: Request, now: Now, token: str) -> Response:
    """The rating page of the SMS link sent after a resolution (WO-6)."""
    try:
        code = ratings.link_order(token, now=now)
    except DomainError:
        return _not_found(request)
    return render(request, "portal/feedback.html", {"code": code, "token": token})


@router.post("/portal/feedback/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
def feedback_submit(
    request: Request,
    session: SessionDep,
    now: Now,
    token: str,
    rating: Annotated[int, Form(ge=1, le=5)],
    resolved: Annotated[str, Form(max_length=4)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Record the rating given through the SMS link."""
    guard.check_rate(session, "rate", phone=None, address=client_ip(request), now=now)
    ratings.rate_link(
        session,
        feedback_token=token,
        rating=rating,
        resolved=resolved == "yes",
        comment=comment,
        now=now,
    )
    return render(request, "portal/rated.html", {"token": None})
