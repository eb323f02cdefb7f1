"""Sign-in throttling slows the attacker down, never the owner (both databases)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts import signin
from jingwu.accounts.models import LoginFailure
from jingwu.accounts.signin import SignInThrottled
from jingwu.accounts.throttle import ThrottlePolicy
from jingwu.errors import Unauthenticated
from jingwu.security import totp
from tests.factories import accounts as fa
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.org import make_tree

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
ATTACKER, OWNER = "198.51.100.66", "10.20.30.40"
POLICY = ThrottlePolicy(free_failures=5, account_ceiling=8, address_ceiling=100)


def attempt(
    session: Session,
    tu: fa.TestUser,
    *,
    ip: str,
    now: dt.datetime,
    password: str = PASSWORD,
    code: str | None = None,
    policy: ThrottlePolicy = POLICY,
) -> signin.SignedIn:
    return signin.authenticate(
        session,
        username=tu.username,
        password=password,
        code=totp.code_at(tu.secret, now.timestamp()) if code is None else code,
        ip=ip,
        now=now,
        policy=policy,
    )


def wrong(
    session: Session,
    tu: fa.TestUser,
    *,
    ip: str,
    now: dt.datetime,
    policy: ThrottlePolicy = POLICY,
) -> int | None:
    """One wrong password; the Retry-After when refused by the throttle, else None."""
    try:
        attempt(session, tu, ip=ip, now=now, password="wrong password!", policy=policy)
    except SignInThrottled as exc:
        return exc.retry_after
    except Unauthenticated:
        return None
    raise AssertionError("a wrong password signed in")


def test_five_wrong_passwords_from_one_address_do_not_lock_the_owner_out(
    session: Session,
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "street", username="demo-street")
    for i in range(5):
        wrong(session, tu, ip=ATTACKER, now=NOW + dt.timedelta(seconds=i))
    later = NOW + dt.timedelta(seconds=10)
    assert attempt(session, tu, ip=OWNER, now=later).user.id == tu.user.id


def test_the_owner_signs_in_with_password_and_code_past_the_account_ceiling(
    session: Session,
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    for i in range(12):  # an attacker with many addresses
        wrong(session, tu, ip=f"198.51.100.{i}", now=NOW)
    assert session.scalar(select(func.count()).select_from(LoginFailure)) == 12
    assert attempt(session, tu, ip=OWNER, now=NOW).user.id == tu.user.id


def test_past_the_ceiling_a_wrong_attempt_is_refused_with_429_whatever_was_wrong(
    session: Session,
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    for i in range(8):
        wrong(session, tu, ip=f"198.51.100.{i}", now=NOW)
    # A wrong password and a right password with a wrong code look the same: no oracle.
    assert wrong(session, tu, ip="203.0.113.1", now=NOW) is not None
    good = totp.code_at(tu.secret, NOW.timestamp())
    with pytest.raises(SignInThrottled) as exc:
        attempt(session, tu, ip="203.0.113.2", now=NOW, code="000000" if good != "000000" else "1")
    assert exc.value.status == 429 and exc.value.retry_after >= 1


def test_each_further_failure_from_the_same_address_waits_twice_as_long(
    session: Session,
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    now, roomy = NOW, ThrottlePolicy(free_failures=5, account_ceiling=50)
    for _ in range(5):
        assert wrong(session, tu, ip=ATTACKER, now=now, policy=roomy) is None
    waits = []
    for _ in range(4):
        refused = wrong(session, tu, ip=ATTACKER, now=now, policy=roomy)  # too soon
        assert refused is not None
        waits.append(refused)
        now += dt.timedelta(seconds=refused)
        assert wrong(session, tu, ip=ATTACKER, now=now, policy=roomy) is None  # checked
    assert waits == [1, 2, 4, 8]


def test_while_an_address_waits_even_the_right_password_is_refused_there(
    session: Session,
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    for _ in range(6):
        wrong(session, tu, ip=ATTACKER, now=NOW)
    with pytest.raises(SignInThrottled):
        attempt(session, tu, ip=ATTACKER, now=NOW)
    assert attempt(session, tu, ip=OWNER, now=NOW)


def test_signing_in_gives_the_address_its_free_attempts_back(session: Session) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    for _ in range(4):
        wrong(session, tu, ip=OWNER, now=NOW)
    assert attempt(session, tu, ip=OWNER, now=NOW)
    for _ in range(4):
        assert wrong(session, tu, ip=OWNER, now=NOW + dt.timedelta(minutes=1)) is None


def test_failures_older_than_the_window_are_forgotten(session: Session) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    for _ in range(12):
        wrong(session, tu, ip=ATTACKER, now=NOW)
    later = NOW + POLICY.window + dt.timedelta(seconds=1)
    assert wrong(session, tu, ip=ATTACKER, now=later) is None


def test_past_the_ceiling_a_password_alone_opens_no_enrolment_session(session: Session) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer", enrolled=False)
    assert attempt(session, tu, ip=OWNER, now=NOW, code="")  # not enrolled: may enrol
    for i in range(8):
        wrong(session, tu, ip=f"198.51.100.{i}", now=NOW)
    with pytest.raises(SignInThrottled):
        attempt(session, tu, ip="203.0.113.5", now=NOW, code="")


def test_spraying_one_password_over_many_accounts_hits_the_address_ceiling(
    session: Session,
) -> None:
    t = make_tree(session)
    policy = ThrottlePolicy(free_failures=5, account_ceiling=20, address_ceiling=3)
    users = [make_user(session, t["SA01"], "officer", username=f"u{i}") for i in range(4)]
    for tu in users[:3]:
        with pytest.raises(Unauthenticated):
            signin.authenticate(
                session, username=tu.username, password="x", ip=ATTACKER, now=NOW, policy=policy
            )
    with pytest.raises(SignInThrottled):
        signin.authenticate(
            session, username=users[3].username, password="x", ip=ATTACKER, now=NOW, policy=policy
        )
