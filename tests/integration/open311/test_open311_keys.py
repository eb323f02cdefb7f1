"""Open311 API keys: issued by a district in scope, shown once, stored as a SHA-256 hash,
revocable, and limited per hour by the uses counted in ``open311_key_uses``."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.errors import Forbidden, Invalid, NotFound
from jingwu.open311 import service
from jingwu.open311.models import Open311Key, Open311KeyUse
from jingwu.open311.spec import Open311Error
from tests.factories.accounts import make_user, principal
from tests.factories.org import make_tree

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def test_a_key_is_shown_once_and_stored_as_its_hash(session: Session) -> None:
    make_tree(session)
    issued = service.issue_key(session, SYSTEM, unit="d000", name="  12345 热线 ", now=NOW)
    assert issued.secret.startswith("o311_") and len(issued.secret) >= 45
    row = session.get(Open311Key, issued.key.id)
    assert row is not None and row.name == "12345 热线"
    assert row.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    stored = " ".join(str(v) for v in (row.key_hash, row.prefix, row.name))
    assert issued.secret not in stored
    assert issued.secret.startswith(row.prefix) and len(row.prefix) == 9
    assert service.check_key(session, api_key=issued.secret, now=NOW).id == row.id


def test_only_a_director_of_the_district_issues_keys(session: Session) -> None:
    tree = make_tree(session)
    director = principal(session, make_user(session, tree["D000"], "director"))
    chief = principal(session, make_user(session, tree["SA01"], "chief"))
    assert service.issue_key(session, director, unit="D000", name="App", now=NOW).key.id
    with pytest.raises(Forbidden):
        service.issue_key(session, chief, unit="D000", name="App", now=NOW)
    with pytest.raises(NotFound):  # a street is not a district
        service.issue_key(session, director, unit="SA00", name="App", now=NOW)
    with pytest.raises(Invalid):
        service.issue_key(session, director, unit="D000", name="  ", now=NOW)
    with pytest.raises(Invalid):
        service.issue_key(session, director, unit="D000", name="App", per_hour=0, now=NOW)
    assert [k.name for k in service.keys(session, director)] == ["App"]


@pytest.mark.parametrize("presented", [None, "", "o311_wrong", "x" * 200, "not-a-key"])
def test_a_missing_or_unknown_key_is_403(session: Session, presented: str | None) -> None:
    make_tree(session)
    service.issue_key(session, SYSTEM, unit="D000", name="App", now=NOW)
    with pytest.raises(Open311Error) as caught:
        service.check_key(session, api_key=presented, now=NOW)
    assert caught.value.status == 403


def test_a_revoked_key_is_refused_at_once(session: Session) -> None:
    make_tree(session)
    issued = service.issue_key(session, SYSTEM, unit="D000", name="App", now=NOW)
    service.check_key(session, api_key=issued.secret, now=NOW)
    revoked = service.revoke_key(session, SYSTEM, key_id=issued.key.id, now=NOW)
    assert revoked.revoked_at == NOW
    later = NOW + dt.timedelta(hours=1)
    assert service.revoke_key(session, SYSTEM, key_id=issued.key.id, now=later).revoked_at == NOW
    with pytest.raises(Open311Error) as caught:
        service.check_key(session, api_key=issued.secret, now=NOW + dt.timedelta(seconds=1))
    assert caught.value.status == 403
    with pytest.raises(NotFound):
        service.revoke_key(session, SYSTEM, key_id=999_999, now=NOW)


def test_the_hourly_limit_counts_accepted_uses_in_a_sliding_hour(session: Session) -> None:
    make_tree(session)
    issued = service.issue_key(session, SYSTEM, unit="D000", name="App", per_hour=3, now=NOW)
    minute = dt.timedelta(minutes=1)
    for i in range(3):
        service.check_key(session, api_key=issued.secret, now=NOW + i * minute)
    with pytest.raises(Open311Error) as caught:
        service.check_key(session, api_key=issued.secret, now=NOW + 59 * minute)
    assert caught.value.status == 429
    assert "3 requests an hour" in caught.value.description
    uses = select(func.count(Open311KeyUse.id)).where(Open311KeyUse.key_id == issued.key.id)
    assert session.scalar(uses) == 3  # a refused request is not counted
    # one hour after the first use, one slot is free again
    second = dt.timedelta(seconds=1)
    service.check_key(session, api_key=issued.secret, now=NOW + 60 * minute + second)
    with pytest.raises(Open311Error):  # the uses of minutes 1, 2 and 60 still count
        service.check_key(session, api_key=issued.secret, now=NOW + 60 * minute + 30 * second)
