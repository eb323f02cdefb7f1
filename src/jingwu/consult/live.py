"""What the pages send down a stream: a line as JSON, with its words in the reader's language.

Shared by the citizen's routes and the expert desk; reads in short read transactions of its
own (a stream outlives the request's session). ``wake`` hands a committed line to the
streams of this process.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse

from jingwu.consult import rules, service
from jingwu.consult.broker import BROKER, Line
from jingwu.consult.models import Consultation, ConsultMessage
from jingwu.consult.stream import events, last_event_id
from jingwu.db import Database
from jingwu.web.i18n import negotiate, translator
from jingwu.web.middleware import LANG_COOKIE

SENDER_LABELS = {
    rules.CITIZEN: "Citizen",
    rules.EXPERT: "Expert",
    rules.NOTE: "Hand-over note",
    rules.SYSTEM: "Notice",
}
SYSTEM_LINES = {
    "opened": "You are in the queue: an expert will answer shortly.",
    "claimed": "An expert has joined the consultation.",
    "handed_over": "The consultation was handed over to another expert.",
    "closed": "The consultation has ended.",
}
HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def line_of(m: ConsultMessage) -> Line:
    return Line(m.seq, m.sender, m.body, m.sent_at)


async def wake(consultation_id: int, lines: list[Line]) -> None:
    """After the response (the transaction has committed): hand the lines to the streams."""
    if not lines:
        BROKER.publish(consultation_id)
    for line in lines:
        BROKER.publish(consultation_id, line)


def page_language(request: Request) -> str:
    """The language of the page the stream belongs to: ``?lang=``, then the language cookie,
    then the site's default -- never the browser's ``Accept-Language`` (which the middleware
    honours for programs, and an ``EventSource`` is not one), so the lines match the page."""
    return negotiate(
        query=request.query_params.get("lang", ""),
        cookie=request.cookies.get(LANG_COOKIE, ""),
        accept=None,
        default=request.app.state.settings.language,
    )


def response(request: Request, c: Consultation, *, citizen: bool) -> StreamingResponse:
    """The stream of ``c`` (the citizen's side when ``citizen``)."""
    db: Database = request.app.state.db
    gettext = translator(page_language(request))
    tz: dt.tzinfo = request.app.state.settings.tz
    cid = c.id

    def render(line: Line) -> dict[str, Any] | None:
        if citizen and line.sender not in rules.CITIZEN_SEES:
            return None
        body = gettext(SYSTEM_LINES[line.body]) if line.sender == rules.SYSTEM else line.body
        payload: dict[str, Any] = {
            "seq": line.seq,
            "sender": line.sender,
            "who": gettext(SENDER_LABELS[line.sender]),
            "body": body,
            "at": line.sent_at.astimezone(tz).strftime("%H:%M"),
        }
        if line.sender == rules.SYSTEM:
            payload["notice"] = line.body  # opened, claimed, handed_over, closed
        return payload

    def load(after: int) -> tuple[list[Line], int, bool]:
        with db.unit_of_work(write=False) as session:
            found = session.get(Consultation, cid)
            if found is None or found.purged_at is not None:
                return [], after, True
            lines = service.messages(session, found, after=after, citizen=False)
            return [line_of(m) for m in lines], found.last_seq, found.status == rules.CLOSED

    def counters(ids: list[int]) -> dict[int, int]:
        with db.unit_of_work(write=False) as session:
            return service.line_counters(session, ids)

    after = last_event_id(request.headers.get("last-event-id"), 0)
    stream = events(cid, load=load, render=render, after=after, counters=counters)
    return StreamingResponse(stream, media_type="text/event-stream", headers=HEADERS)
