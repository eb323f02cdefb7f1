"""The citizen's feedback link (WO-6): a signed token per resolution, sent after resolve.

The link carries ``{code}.{round}.{expires}.{mac}``: the order, which resolution it rates,
until when (the end of the 7-day window), and an HMAC with the server secret, so the citizen
needs no account and nobody can rate another order.

This module sits below both the actions (a resolve sends the link) and the feedback use
cases (a rating may reopen or close the order through the actions), so neither has to
import the other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Forbidden
from jingwu.notifications import service as notifications
from jingwu.security import keys
from jingwu.workorders.guards import feedback_window_ends
from jingwu.workorders.models import WorkOrder


def _mac(payload: str) -> str:
    key = hashlib.sha256(b"jingwu.feedback\x00" + keys.current().secret_key).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def feedback_token(order: WorkOrder) -> str:
    """The signed token of the order's latest resolution (valid until its window ends)."""
    if order.resolved_at is None:
        raise Conflict("Work order {code} is not resolved.", params={"code": order.code})
    expires = int(feedback_window_ends(order.resolved_at).timestamp())
    payload = f"{order.code}.{order.resolve_count}.{expires}"
    return f"{payload}.{_mac(payload)}"


def read_token(token: str, *, now: dt.datetime) -> tuple[str, int]:
    """(order code, round) of a valid, unexpired token; Forbidden otherwise."""
    parts = token.strip().split(".")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        raise Forbidden("This feedback link is not valid.", code="bad_token")
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_mac(payload), parts[3]):
        raise Forbidden("This feedback link is not valid.", code="bad_token")
    if now.timestamp() > int(parts[2]):
        raise Forbidden("This feedback link has expired.", code="expired_token")
    return parts[0], int(parts[1])


def request_feedback(session: Session, *, order: WorkOrder, now: dt.datetime) -> None:
    """Send the citizen the feedback link (by SMS when a phone is on record): the portal's
    rating page, whose rating ``portal.intake`` records as this order's feedback."""
    if not order.reporter_phone:
        return
    notifications.send_direct(
        session,
        channel="sms",
        address=order.reporter_phone,
        message="Your request {code} has been handled. Please rate it: {link}",
        # The public portal's page (internet zone; the outbox prefixes JINGWU_PUBLIC_URL);
        # /feedback/{token} on the intranet keeps working for links sent before.
        params={"code": order.code, "link": f"/portal/feedback/{feedback_token(order)}"},
        unit_id=order.unit_id,
        now=now,
    )
