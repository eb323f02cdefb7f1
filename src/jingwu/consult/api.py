"""The expert desk (intranet only): the queue of the stations in scope, claiming, the live
conversation, hand-over with a note, closing, and recording the transcript as evidence.

HTML pages and form posts, kept in the ``api`` module because it is mounted in the intranet
zone only and before the pages, so ``/consult/desk`` is matched before the citizen's
``/consult/{token}``; nothing here is in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from jingwu.accounts.scope import Principal, scoped
from jingwu.consult import live, rules, service
from jingwu.consult.models import Consultation
from jingwu.web.authz import Requires
from jingwu.web.deps import BlobsDep, Now, SessionDep, one_transaction
from jingwu.web.nav import NavItem
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Online consultation", "/consult/desk", "consult.answer", order=58)]
Expert = Annotated[Principal, Requires("consult.answer")]


@router.get("/consult/desk", response_class=HTMLResponse)
@one_transaction
def desk(request: Request, session: SessionDep, principal: Expert) -> Response:
    """The queue and the consultations in progress of the stations in scope."""
    stmt = scoped(select(Consultation), principal, Consultation.unit_id)
    open_ = stmt.where(Consultation.status != rules.CLOSED).order_by(Consultation.opened_at)
    recent = stmt.where(Consultation.status == rules.CLOSED, Consultation.purged_at.is_(None))
    recent = recent.order_by(Consultation.closed_at.desc()).limit(20)
    rows = list(session.scalars(open_))
    ctx = {
        "waiting": [c for c in rows if c.status == rules.WAITING],
        "active": [c for c in rows if c.status == rules.ACTIVE],
        "closed": list(session.scalars(recent)),
        "me": principal.user_id,
        "topic_labels": rules.TOPIC_LABELS,
    }
    return render(request, "consult/desk.html", ctx)


@router.post("/consult/desk/claim")
@one_transaction
def claim_next(session: SessionDep, principal: Expert, now: Now) -> Response:
    """The oldest waiting consultation becomes the caller's."""
    c = service.claim_next(session, principal, now=now)
    return RedirectResponse("/consult/desk" if c is None else f"/consult/desk/{c.code}", 303)


@router.get("/consult/desk/{code}", response_class=HTMLResponse)
@one_transaction
def conversation(request: Request, session: SessionDep, principal: Expert, code: str) -> Response:
    """One consultation: the live conversation and what the caller may do with it."""
    c = service.get(session, principal, code=code)
    mine = c.expert_id == principal.user_id or principal.role in service.LEADS
    ctx = {
        "c": c,
        "topic_label": rules.TOPIC_LABELS[c.topic],
        "status_label": rules.STATUS_LABELS[c.status],
        "may_answer": c.status == rules.ACTIVE and mine,
        "may_claim": c.status == rules.WAITING,
        "may_close": c.status != rules.CLOSED and (mine or c.status == rules.WAITING),
        "colleagues": [u for u in service.colleagues(session, c) if u.id != c.expert_id],
        "recorded": request.query_params.get("recorded"),
    }
    return render(request, "consult/conversation.html", ctx)


@router.get("/consult/desk/{code}/events")
@one_transaction
def conversation_events(
    request: Request, session: SessionDep, principal: Expert, code: str
) -> Response:
    """The conversation as server-sent events (hand-over notes included)."""
    return live.response(request, service.get(session, principal, code=code), citizen=False)


@router.post("/consult/desk/{code}/claim")
@one_transaction
def claim(
    session: SessionDep, background: BackgroundTasks, principal: Expert, now: Now, code: str
) -> Response:
    c = service.claim(session, principal, code=code, now=now)
    background.add_task(live.wake, c.id, [])
    return RedirectResponse(f"/consult/desk/{code}", status_code=303)


@router.post("/consult/desk/{code}/messages", status_code=204)
@one_transaction
def send(
    session: SessionDep,
    background: BackgroundTasks,
    principal: Expert,
    now: Now,
    code: str,
    body: Annotated[str, Form(max_length=rules.MAX_MESSAGE * 2)],
) -> Response:
    m = service.send_expert(session, principal, code=code, body=body, now=now)
    background.add_task(live.wake, m.consultation_id, [live.line_of(m)])
    return Response(status_code=204)


@router.post("/consult/desk/{code}/handover")
@one_transaction
def hand_over(
    session: SessionDep,
    background: BackgroundTasks,
    principal: Expert,
    now: Now,
    code: str,
    note: Annotated[str, Form(max_length=rules.MAX_NOTE * 2)],
    to: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """To a colleague of the station, or back to the queue (no colleague chosen)."""
    c = service.hand_over(session, principal, code=code, to=to or None, note=note, now=now)
    background.add_task(live.wake, c.id, [])
    return RedirectResponse("/consult/desk", status_code=303)


@router.post("/consult/desk/{code}/close")
@one_transaction
def close(
    session: SessionDep, background: BackgroundTasks, principal: Expert, now: Now, code: str
) -> Response:
    c = service.close(session, principal, code=code, now=now)
    background.add_task(live.wake, c.id, [])
    return RedirectResponse(f"/consult/desk/{code}", status_code=303)


@router.post("/consult/desk/{code}/transcript")
@one_transaction
def record_transcript(
    request: Request,
    session: SessionDep,
    principal: Expert,
    blobs: BlobsDep,
    now: Now,
    code: str,
) -> Response:
    """Record the transcript as an evidence item (electronic data)."""
    tz = request.app.state.settings.tz
    item = service.record_transcript(session, principal, blobs, code=code, tz=tz, now=now)
    return RedirectResponse(f"/consult/desk/{code}?recorded={item}", status_code=303)
