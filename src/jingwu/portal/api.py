"""JSON API of the portal's feeds: ``POST /api/v1/portal/feeds/{channel}`` (intranet; an
account with ``portal.feed``, e.g. the 12345 hotline's partner account with an API token)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter

from jingwu.accounts.scope import Principal
from jingwu.portal import feeds
from jingwu.portal.schemas import FeedErrorOut, FeedIn, FeedOut
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, one_transaction
from jingwu.web.openapi import API_ERRORS

router = APIRouter(prefix="/api/v1/portal", tags=["portal"], responses=API_ERRORS)


@router.post("/feeds/{channel}", response_model=FeedOut)
@one_transaction
def push_feed(
    session: SessionDep,
    principal: Annotated[Principal, Requires("portal.feed")],
    now: Now,
    channel: Literal["hotline12345", "dispatch110"],
    body: FeedIn,
) -> FeedOut:
    """Take transferred requests into the inbox (the source reference kept; a reference sent
    before is skipped, so a batch may be sent again)."""
    rows = [(i + 1, r.model_dump()) for i, r in enumerate(body.requests)]
    report = feeds.take(session, channel=channel, rows=rows, now=now)
    return FeedOut(
        added=report.added,
        skipped=report.skipped,
        errors=[FeedErrorOut(index=i, message=m) for i, m in report.errors],
    )
