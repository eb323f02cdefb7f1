"""portal.service: submit seals and publishes at once; published reads what the public may see."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.errors import Invalid
from jingwu.portal import service
from jingwu.portal.models import PublicInbox

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100


def _submit(session: Session, **kw: object) -> service.Submission:
    args: dict[str, object] = {
        "channel": "portal",
        "service_code": "noise",
        "description": "楼上每晚装修噪音",
        "lat": 31.2304,
        "lon": 121.4737,
        "contact_phone": "138 0013 8000",
        "now": NOW,
    }
    args.update(kw)
    return service.submit(session, **args)  # type: ignore[arg-type]


def test_submit_seals_the_personal_data_and_the_token_is_trackable_at_once(
    session: Session,
) -> None:
    sub = _submit(session, contact_name="张三", photos=[JPEG], source_ref="ext-1")
    row = session.scalar(select(PublicInbox).where(PublicInbox.token == sub.token))
    assert row is not None and row.processed_at is None and row.source_ref == "ext-1"
    for secret in ("13800138000", "张三", "装修", "MDAw"):
        assert secret not in row.sealed
    opened = service.open_submission(row)
    assert opened["phone"] == "13800138000" and opened["name"] == "张三"
    assert opened["description"] == "楼上每晚装修噪音" and opened["photos"] == [JPEG]
    pub = service.published(session, token=sub.token)
    assert pub is not None
    assert (pub.status, pub.service_request_id, pub.rated) == ("open", None, False)
    assert pub.lat != 31.2304 and abs(pub.lat - 31.2304) < 0.003  # type: ignore[operator]
    assert [e["step"] for e in pub.timeline] == ["received"]
    assert service.published(session, token="nope") is None


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"service_code": "no_such"}, "service_code"),
        ({"description": "x"}, "description"),
        ({"lat": 95.0}, "location"),
        ({"lon": None}, "location"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"photos": [b"GIF89a"]}, "photos"),
        ({"photos": [JPEG] * 4}, "photos"),
        ({"photos": [b"\xff\xd8\xff" + b"0" * service.MAX_PHOTO_BYTES]}, "photos"),
    ],
)
def test_submit_refuses_bad_input(session: Session, kw: dict[str, object], field: str) -> None:
    with pytest.raises(Invalid) as err:
        _submit(session, **kw)
    assert field in err.value.fields


def test_published_list_filters(session: Session) -> None:
    a = _submit(session)
    b = _submit(session, service_code="theft", now=NOW + dt.timedelta(hours=2))
    mine = {a.token, b.token}
    tokens = [p.token for p in service.published_list(session) if p.token in mine]
    assert tokens == [b.token, a.token]
    thefts = service.published_list(session, service_code="theft", end=NOW + dt.timedelta(days=1))
    assert [p.token for p in thefts] == [b.token]
    later = service.published_list(
        session, start=NOW + dt.timedelta(hours=1), end=NOW + dt.timedelta(hours=3)
    )
    assert [p.token for p in later] == [b.token]
    assert mine.isdisjoint(p.token for p in service.published_list(session, status="closed"))
    assert service.published_list(session, ids=["XX"]) == []
    assert len(service.published_list(session, limit=1)) == 1
