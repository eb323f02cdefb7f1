"""Ratings from the public (internet zone): written to ``public_ratings``, carried inward by
``portal.intake`` as the order's WO-6 feedback. A rating names its request by the portal's
tracking token, or by the signed feedback link sent by SMS after a resolution."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Invalid
from jingwu.portal import sealkeys
from jingwu.portal.models import PublicRating, PublishedRequest
from jingwu.portal.sealing import seal
from jingwu.workorders.feedback_links import read_token

COMMENT_CONTEXT = "public_ratings.sealed_comment"
RATEABLE_STEPS = frozenset({"resolved", "closed"})


def may_rate(session: Session, pub: PublishedRequest) -> bool:
    """True when the request waits for the citizen's rating (handled, not rated yet)."""
    if pub.rated or pub.service_request_id is None or not pub.timeline:
        return False
    if pub.timeline[-1].get("step") not in RATEABLE_STEPS:
        return False
    pending = select(PublicRating.id).where(
        PublicRating.token == pub.token, PublicRating.processed_at.is_(None)
    )
    return session.scalar(pending.limit(1)) is None


def _row(rating: int, resolved: bool, comment: str, now: dt.datetime) -> PublicRating:
    if not 1 <= rating <= 5:
        raise Invalid("Choose a rating from 1 to 5.", fields={"rating": "1 to 5"})
    comment = comment.strip()
    if len(comment) > 2000:
        raise Invalid(
            "The comment may be at most 2000 characters.", fields={"comment": "Too long."}
        )
    sealed = seal(sealkeys.public_key(), comment.encode(), COMMENT_CONTEXT) if comment else None
    return PublicRating(rating=rating, resolved=resolved, sealed_comment=sealed, received_at=now)


def rate(
    session: Session, *, token: str, rating: int, resolved: bool, comment: str, now: dt.datetime
) -> None:
    """Rate the request tracked by ``token``."""
    pub = session.scalar(select(PublishedRequest).where(PublishedRequest.token == token))
    if pub is None or not may_rate(session, pub):
        raise Conflict("This request is not waiting for a rating.", code="not_rateable")
    row = _row(rating, resolved, comment, now)
    row.token = token
    session.add(row)
    session.flush()


def link_order(feedback_token: str, *, now: dt.datetime) -> str:
    """The order code of a valid feedback link (Forbidden when forged or expired)."""
    return read_token(feedback_token, now=now)[0]


def rate_link(
    session: Session,
    *,
    feedback_token: str,
    rating: int,
    resolved: bool,
    comment: str,
    now: dt.datetime,
) -> str:
    """Rate through the SMS link; returns the order code."""
    code = link_order(feedback_token, now=now)
    given = select(PublicRating.id).where(PublicRating.feedback_token == feedback_token)
    if session.scalar(given.limit(1)) is not None:
        raise Conflict("This resolution has been rated already.", code="already_rated")
    row = _row(rating, resolved, comment, now)
    row.feedback_token = feedback_token
    session.add(row)
    session.flush()
    return code
