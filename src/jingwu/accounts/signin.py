"""Sign-in: the password, then a second factor (one-time code, recovery code or device key),
throttled so that an attacker slows down only themselves (rules in :mod:`.throttle`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from jingwu.accounts import devicekeys, throttle
from jingwu.accounts.models import LoginFailure, RecoveryCode, User
from jingwu.audit import service as audit
from jingwu.errors import TooManyRequests, Unauthenticated
from jingwu.security import passwords, totp

SIGN_IN_FAILED = "Sign-in failed: the username, password or one-time code is wrong."
WAIT = "Too many failed sign-ins from this address. Try again in {seconds} seconds."
STRICT = (
    "Too many failed sign-ins for this account: only the right password with a valid "
    "one-time code or device key signs in now. Try again in {seconds} seconds."
)
KEY_REQUIRED = "Your role signs in with a device key: use it instead of the one-time code."


class SignInThrottled(TooManyRequests):
    """Refused by the throttle; ``retry_after`` whole seconds (the Retry-After header)."""

    code = "sign_in_throttled"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, params={"seconds": retry_after})
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: the user, and whether the session may only enrol a device key."""

    user: User
    needs_device_key: bool = False


def _failures(session: Session, *, username: str, ip: str, since: dt.datetime) -> throttle.Failures:
    recent = LoginFailure.at >= since
    pair_count, pair_last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.username == username, LoginFailure.ip == ip, recent
        )
    ).one()
    account = session.scalar(select(func.count()).where(LoginFailure.username == username, recent))
    address = session.scalar(select(func.count()).where(LoginFailure.ip == ip, recent))
    if pair_last is not None and pair_last.tzinfo is None:
        pair_last = pair_last.replace(tzinfo=dt.UTC)  # func.max() drops the column type
    return throttle.Failures(int(pair_count or 0), pair_last, int(account or 0), int(address or 0))


def _lock_user(session: Session, username: str) -> User | None:
    """The user, locked for this transaction on PostgreSQL (SQLite writers are serial), so
    simultaneous attempts for one account are counted one after another."""
    stmt = select(User).where(User.username == username)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def _code_ok(session: Session, user: User, code: str, now: dt.datetime) -> bool:
    if user.totp_secret is None:
        return False
    step = totp.match_step(user.totp_secret, code, now.timestamp(), user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return True
    if not code.strip():
        return False
    used = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == totp.hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return bool(getattr(used, "rowcount", 0))


def _second_factor(
    session: Session,
    user: User,
    *,
    code: str,
    device_key: str,
    rp: devicekeys.RelyingParty | None,
    now: dt.datetime,
) -> str | None:
    """Which second factor passed: ``device_key``, ``code``, ``none`` (nothing enrolled yet:
    the session may only enrol), or None when the one presented is wrong."""
    if device_key:
        ok = rp is not None and devicekeys.verify_sign_in(
            session, user=user, credential=device_key, rp=rp, now=now
        )
        return "device_key" if ok else None
    if not user.totp_confirmed:
        return "none"
    return "code" if _code_ok(session, user, code, now) else None


def _audit(
    session: Session, action: str, who: str | int, ip: str, now: dt.datetime, **kw: object
) -> None:
    outcome = {"auth.sign_in": "ok", "auth.throttled": "denied"}.get(action, "failed")
    audit.record(
        session,
        principal=None,
        action=action,
        object_type="user",
        object_id=who,
        outcome=outcome,
        ip=ip,
        now=now,
        **kw,  # type: ignore[arg-type]
    )


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    ip: str,
    now: dt.datetime,
    code: str = "",
    device_key: str = "",
    rp: devicekeys.RelyingParty | None = None,
    policy: throttle.ThrottlePolicy | None = None,
) -> SignedIn:
    """Check the password and a second factor (the code, or the device key's answer);
    failures are generic, counted and audited, and throttled per (account, address)."""
    policy = policy or throttle.ThrottlePolicy()
    username = username.strip().lower()[:64]
    user = _lock_user(session, username)
    failures = _failures(session, username=username, ip=ip, since=now - policy.window)
    if (wait := throttle.wait(policy, failures, now)) > dt.timedelta(0):
        _audit(session, "auth.throttled", username, ip, now)
        raise SignInThrottled(WAIT, retry_after=throttle.retry_after_seconds(wait))
    ok = passwords.verify_password(user.password_hash if user else None, password)
    factor = None
    if ok and user is not None and user.active:
        factor = _second_factor(session, user, code=code, device_key=device_key, rp=rp, now=now)
    if throttle.strict(policy, failures) and factor == "none":
        factor = None  # past the ceiling, a password alone never passes
    if user is not None and factor is not None:
        return _signed_in(session, user, factor, password=password, ip=ip, now=now)
    return _failed(session, username, ip, now, policy, failures)


def _signed_in(
    session: Session, user: User, factor: str, *, password: str, ip: str, now: dt.datetime
) -> SignedIn:
    required = devicekeys.device_key_required(session, role=user.role)
    if required and factor == "code" and devicekeys.has_keys(session, user_id=user.id):
        raise Unauthenticated(KEY_REQUIRED, code="device_key_required")
    user.last_login_at = now
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    # The owner got in from here: this address starts again with its free attempts.
    session.execute(
        delete(LoginFailure).where(LoginFailure.username == user.username, LoginFailure.ip == ip)
    )
    _audit(
        session,
        "auth.sign_in",
        user.id,
        ip,
        now,
        unit_id=user.unit_id,
        detail={"username": user.username, "factor": factor},
    )
    session.flush()
    return SignedIn(user, needs_device_key=required and factor != "device_key")


def _failed(
    session: Session,
    username: str,
    ip: str,
    now: dt.datetime,
    policy: throttle.ThrottlePolicy,
    before: throttle.Failures,
) -> SignedIn:
    session.add(LoginFailure(username=username, ip=ip[:64], at=now))
    _audit(session, "auth.sign_in_failed", username, ip, now)
    session.flush()
    if throttle.strict(policy, before):
        delay = max(policy.delay(before.pair + 1), policy.base_delay)
        raise SignInThrottled(STRICT, retry_after=throttle.retry_after_seconds(delay))
    raise Unauthenticated(SIGN_IN_FAILED)
