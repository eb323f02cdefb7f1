"""The citizen's side of an online consultation (internet and intranet zones, no account).

``/consult`` opens one (station, topic, the name to be called by) and redirects to
``/consult/{token}``: the secret token in that address is the citizen's only key. The
page's script sends lines by POST and reads the conversation from a server-sent-events
stream. See docs/consult.md for why the internet zone proxies these paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from jingwu.consult import live, rules, service
from jingwu.errors import DomainError, NotFound
from jingwu.web.authz import PUBLIC
from jingwu.web.deps import Now, SessionDep, one_transaction
from jingwu.web.i18n import error_text
from jingwu.web.templating import render

ZONES = frozenset({"intranet", "internet"})
STATIC = Path(__file__).parent / "static"
_MEDIA = {".css": "text/css", ".js": "text/javascript"}
_TOKEN = 64  # longest token accepted in a path

router = APIRouter(include_in_schema=False)


@router.get("/consult/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The consultation pages' script and style sheet."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


def _start(
    request: Request, session: SessionDep, form: dict[str, str], error: str = ""
) -> Response:
    ctx = {
        "stations": service.stations(session),
        "topics": rules.TOPICS,
        "topic_labels": rules.TOPIC_LABELS,
        "form": form,
        "error": error,
    }
    return render(request, "consult/start.html", ctx, status_code=422 if error else 200)


@router.get("/consult", response_class=HTMLResponse, dependencies=[PUBLIC])
@one_transaction
def start_page(request: Request, session: SessionDep) -> Response:
    """Open a consultation: choose the station and the topic, give a name."""
    return _start(request, session, {})


@router.post("/consult", response_class=HTMLResponse, dependencies=[PUBLIC])
@one_transaction
def open_form(
    request: Request,
    session: SessionDep,
    now: Now,
    station: Annotated[str, Form(max_length=12)] = "",
    topic: Annotated[str, Form(max_length=16)] = "",
    display_name: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    form = {"station": station, "topic": topic, "display_name": display_name}
    try:
        opened = service.open_consultation(
            session, station=station, topic=topic, display_name=display_name, now=now
        )
    except DomainError as exc:
        session.rollback()
        return _start(request, session, form, error_text(request, exc))
    return RedirectResponse(f"/consult/{opened.token}", status_code=303)


def _token(token: str) -> str:
    if len(token) > _TOKEN:
        raise NotFound("No such consultation.")
    return token


@router.get("/consult/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
@one_transaction
def session_page(request: Request, session: SessionDep, token: str) -> Response:
    """The citizen's conversation (the lines arrive by the stream)."""
    c = service.by_token(session, token=_token(token))
    ctx = {"c": c, "token": token, "topic_label": rules.TOPIC_LABELS[c.topic]}
    response = render(request, "consult/session.html", ctx)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/consult/{token}/events", dependencies=[PUBLIC])
@one_transaction
def session_events(request: Request, session: SessionDep, token: str) -> Response:
    """The conversation as server-sent events (without the experts' hand-over notes)."""
    c = service.by_token(session, token=_token(token))
    return live.response(request, c, citizen=True)


@router.post("/consult/{token}/messages", status_code=204, dependencies=[PUBLIC])
@one_transaction
def send(
    session: SessionDep,
    background: BackgroundTasks,
    now: Now,
    token: str,
    body: Annotated[str, Form(max_length=rules.MAX_MESSAGE * 2)],
) -> Response:
    """A line from the citizen."""
    m = service.send_citizen(session, token=_token(token), body=body, now=now)
    background.add_task(live.wake, m.consultation_id, [live.line_of(m)])
    return Response(status_code=204)


@router.post("/consult/{token}/close", dependencies=[PUBLIC])
@one_transaction
def close(session: SessionDep, background: BackgroundTasks, now: Now, token: str) -> Response:
    """The citizen ends the consultation."""
    c = service.close_by_citizen(session, token=_token(token), now=now)
    background.add_task(live.wake, c.id, [])
    return RedirectResponse(f"/consult/{token}", status_code=303)
