from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from jingwu.accounts import service, signin
from jingwu.accounts.models import LoginFailure
from jingwu.audit.models import AuditEntry
from jingwu.errors import Invalid, Unauthenticated
from jingwu.security import totp
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.org import make_tree

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)


def auth(session: Session, username: str, password: str, code: str, now: dt.datetime = NOW):  # type: ignore[no-untyped-def]
    return signin.authenticate(
        session, username=username, password=password, code=code, ip="10.0.0.1", now=now
    ).user


def test_password_and_current_code_sign_in_and_are_audited(session: Session) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    user = auth(session, tu.username, PASSWORD, totp.code_at(tu.secret, NOW.timestamp()))
    assert user.id == tu.user.id and user.last_login_at == NOW
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.ip == "10.0.0.1")).all()
    assert "auth.sign_in" in actions


@pytest.mark.parametrize("what", ["password", "code", "username"])
def test_every_failure_gets_the_same_message_and_is_counted(session: Session, what: str) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    code = totp.code_at(tu.secret, NOW.timestamp())
    args = {"username": tu.username, "password": PASSWORD, "code": code}
    args[what] = {"password": "wrong password!", "code": "000000", "username": "nobody"}[what]
    if what == "code" and code == "000000":
        args["code"] = "111111"
    with pytest.raises(Unauthenticated) as exc:
        auth(session, args["username"], args["password"], args["code"])
    assert exc.value.message == signin.SIGN_IN_FAILED
    assert session.scalar(select(func.count()).select_from(LoginFailure)) == 1
    assert (
        session.scalar(select(func.count()).where(AuditEntry.action == "auth.sign_in_failed")) == 1
    )


def test_a_code_cannot_be_used_twice(session: Session) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    code = totp.code_at(tu.secret, NOW.timestamp())
    auth(session, tu.username, PASSWORD, code)
    with pytest.raises(Unauthenticated):
        auth(session, tu.username, PASSWORD, code, NOW + dt.timedelta(seconds=5))
    nxt = NOW + dt.timedelta(seconds=30)
    assert auth(session, tu.username, PASSWORD, totp.code_at(tu.secret, nxt.timestamp()), nxt)


def test_a_recovery_code_signs_in_once(session: Session) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    codes = service.replace_recovery_codes(session, user=tu.user)
    assert auth(session, tu.username, PASSWORD, codes[0])
    with pytest.raises(Unauthenticated):
        auth(session, tu.username, PASSWORD, codes[0], NOW + dt.timedelta(seconds=1))


def test_enrolment_needs_a_valid_first_code(session: Session) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer", enrolled=False)
    assert not tu.user.totp_confirmed
    with pytest.raises(Invalid):
        service.confirm_enrolment(session, user=tu.user, code="123", now=NOW)
    assert tu.user.totp_secret is not None
    codes = service.confirm_enrolment(
        session, user=tu.user, code=totp.code_at(tu.user.totp_secret, NOW.timestamp()), now=NOW
    )
    assert tu.user.totp_confirmed and len(codes) == 10


def test_totp_secrets_are_stored_encrypted(session: Session) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    raw = session.execute(
        text("SELECT totp_secret FROM users WHERE id = :i"), {"i": tu.user.id}
    ).scalar_one()
    assert raw.startswith("v1.aes.k1.") and tu.secret not in raw


def test_api_tokens_are_stored_hashed_and_can_expire(session: Session) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    from jingwu.accounts.scope import SYSTEM

    token = service.create_token(session, SYSTEM, username=tu.username, name="t", now=NOW, days=1)
    stored = session.execute(text("SELECT token_hash FROM api_tokens")).scalar_one()
    assert token not in stored and len(stored) == 64
    assert service.token_user(session, token=token, now=NOW) is not None
    assert service.token_user(session, token=token, now=NOW + dt.timedelta(days=2)) is None
    assert service.token_user(session, token=token + "x", now=NOW) is None
