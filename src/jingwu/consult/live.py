"""What the pages send down a stream: a line as JSON, with its words in the reader's language.

Shared by the citizen's routes and the expert desk; opens its own short read transactions
(a stream outlives the request's session).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse

from jingwu.consult import rules, service
from jingwu.consult.models import Consultation, ConsultMessage
from jingwu.consult.stream import Loader, events, last_event_id
from jingwu.db import Database
from jingwu.web.i18n import request_gettext

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


def payload(m: ConsultMessage, gettext: Any, tz: dt.tzinfo) -> dict[str, Any]:
    body = gettext(SYSTEM_LINES[m.body]) if m.sender == rules.SYSTEM else m.body
    return {
        "seq": m.seq,
        "sender": m.sender,
        "who": gettext(SENDER_LABELS[m.sender]),
        "body": body,
        "at": m.sent_at.astimezone(tz).strftime("%H:%M"),
    }


def response(
    request: Request, c: Consultation, *, citizen: bool, token: str | None = None
) -> StreamingResponse:
    """The stream of ``c`` (the citizen's side when ``citizen``)."""
    db: Database = request.app.state.db
    gettext = request_gettext(request)
    tz = request.app.state.settings.tz
    cid = c.id

    def load(after: int) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
        with db.unit_of_work(write=False) as session:
            found = session.get(Consultation, cid)
            if found is None or found.purged_at is not None:
                return [], True
            lines = service.messages(session, found, after=after, citizen=citizen)
            out = [(m.seq, payload(m, gettext, tz)) for m in lines]
            ended = found.status == rules.CLOSED and (not lines or lines[-1].seq == found.last_seq)
            return out, ended

    def counters(ids: list[int]) -> dict[int, int]:
        with db.unit_of_work(write=False) as session:
            return service.line_counters(session, ids)

    loader: Loader = load
    after = last_event_id(request.headers.get("last-event-id"), 0)
    stream = events(cid, loader, after=after, counters=counters)
    return StreamingResponse(stream, media_type="text/event-stream", headers=HEADERS)
