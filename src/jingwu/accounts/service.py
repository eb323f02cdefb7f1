"""Account use cases: users, sign-in with a second factor, sessions and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from jingwu.accounts import devicekeys
from jingwu.accounts.models import ApiToken, RecoveryCode, User, WebSession
from jingwu.accounts.roles import Role
from jingwu.accounts.scope import Principal, check_unit, in_scope, unit_in_scope
from jingwu.errors import Conflict, Invalid, NotFound, Term
from jingwu.org.models import Unit
from jingwu.security import passwords, totp

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")


def principal_of(user: User, unit_path: str, *, ip: str = "") -> Principal:
    """The principal acting as ``user``."""
    return Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        unit_id=user.unit_id,
        unit_path=unit_path,
        ip=ip,
        language=user.language,
    )


# Request sign-in: one indexed Core query from the credential's hash to the principal (no
# ORM objects, so none of the user's encrypted fields is decrypted), built once so that its
# cache key is memoised.
_PRINCIPAL = (User.id, User.username, User.role, User.unit_id, Unit.path, User.language)
_BY_TOKEN = (
    select(*_PRINCIPAL, ApiToken.expires_at)
    .select_from(ApiToken)
    .join(User, User.id == ApiToken.user_id)
    .join(Unit, Unit.id == User.unit_id)
    .where(ApiToken.token_hash == bindparam("key"), ApiToken.revoked_at.is_(None))
    .where(User.active.is_(True))
)
_BY_SESSION = (
    select(*_PRINCIPAL, User.totp_confirmed, WebSession.needs_device_key)
    .select_from(WebSession)
    .join(User, User.id == WebSession.user_id)
    .join(Unit, Unit.id == User.unit_id)
    .where(WebSession.id == bindparam("key"), WebSession.revoked_at.is_(None))
    .where(WebSession.expires_at > bindparam("now"), User.active.is_(True))
)


def _principal_of_row(row: Any, ip: str) -> Principal:
    uid, username, role, unit_id, path, language = row[:6]
    return Principal(uid, username, role, unit_id, path, ip=ip, language=language)


def token_principal(
    session: Session, *, token: str, now: dt.datetime, ip: str = ""
) -> Principal | None:
    """The principal of a live bearer token of an active user, or None (one query)."""
    row = session.connection().execute(_BY_TOKEN, {"key": _digest(token)}).first()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return _principal_of_row(row, ip)


def session_principal(
    session: Session, *, token: str, now: dt.datetime, ip: str = ""
) -> tuple[Principal, bool] | None:
    """The principal of a live browser session and whether its second factor is enrolled
    (a one-time code, and the device key its role requires)."""
    params = {"key": _digest(token), "now": now}
    row = session.connection().execute(_BY_SESSION, params).first()
    if row is None:
        return None
    return _principal_of_row(row, ip), bool(row.totp_confirmed) and not row.needs_device_key


def load_principal(session: Session, user_id: int, *, ip: str = "") -> Principal | None:
    """The principal of an active user, or None."""
    stmt = select(*_PRINCIPAL).join(Unit, Unit.id == User.unit_id)
    row = session.execute(stmt.where(User.id == user_id, User.active.is_(True))).first()
    return None if row is None else _principal_of_row(row, ip)


# The new-user form's fields by their labels (English message ids), for a refusal naming one.
_FIELD_LABELS = {
    "username": "Username",
    "display_name": "Full name",
    "unit_id": "Unit",
    "role": "Role",
    "password": "Initial password",
}


def create_user(
    session: Session,
    principal: Principal,
    *,
    username: str,
    display_name: str,
    unit_id: int | None,
    role: str,
    password: str,
    now: dt.datetime,
    totp_secret: str | None = None,
) -> User:
    """Create a user in the principal's scope; the second factor is enrolled at first sign-in."""
    principal.require("users.admin")
    problems: dict[str, str] = {}
    if not USERNAME.match(username):
        problems["username"] = "2-63 lower-case letters, digits, '.', '_' or '-'"
    if role not in {r.value for r in Role}:
        problems["role"] = "unknown role"
    if (why := passwords.password_problem(password)) is not None:
        problems["password"] = why
    if not display_name.strip():
        problems["display_name"] = "required"
    if unit_id is None:
        problems["unit_id"] = "required"
    elif unit_in_scope(session, principal, unit_id) is None:
        problems["unit_id"] = "no such unit in your scope"
    if len(problems) > 1:
        raise Invalid(
            "{n} fields are invalid: see the note beside each.",
            params={"n": len(problems)},
            fields=problems,
        )
    if problems:
        field, why = next(iter(problems.items()))
        raise Invalid(
            "The field {field} is invalid: {why}.",
            params={"field": Term(field.replace("_", " "), _FIELD_LABELS[field]), "why": Term(why)},
            fields=problems,
        )
    if session.scalar(select(func.count()).where(User.username == username)):
        raise Conflict(
            "The username '{username}' is taken.",
            params={"username": username},
            fields={"username": "taken"},
        )
    user = User(
        username=username,
        display_name=display_name.strip(),
        unit_id=unit_id,
        role=role,
        password_hash=passwords.hash_password(password),
        totp_secret=totp_secret or totp.new_secret(),
        totp_confirmed=totp_secret is not None,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, principal: Principal, *, username: str) -> User:
    """A user in the principal's scope, else NotFound."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("No user '{username}'.", params={"username": username})
    check_unit(session, principal, user.unit_id)
    return user


def list_users(session: Session, principal: Principal) -> list[tuple[User, Unit]]:
    """Users of the principal's scope with their units."""
    principal.require("users.admin")
    stmt = (
        select(User, Unit)
        .join(Unit, Unit.id == User.unit_id)
        .where(in_scope(principal, User.unit_id))
        .order_by(Unit.path, User.username)
    )
    return [(u, unit) for u, unit in session.execute(stmt).tuples()]


def confirm_enrolment(session: Session, *, user: User, code: str, now: dt.datetime) -> list[str]:
    """Confirm the second factor with a first code; returns fresh recovery codes (shown once)."""
    if user.totp_secret is None:
        user.totp_secret = totp.new_secret()
    step = totp.match_step(user.totp_secret, code, now.timestamp(), user.totp_last_step)
    if step is None:
        raise Invalid(
            "The one-time code is wrong; check the time on your phone.",
            fields={"code": "wrong code"},
        )
    user.totp_confirmed = True
    user.totp_last_step = step
    return replace_recovery_codes(session, user=user)


def replace_recovery_codes(session: Session, *, user: User) -> list[str]:
    """Issue new recovery codes, invalidating the old ones."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=totp.hash_recovery_code(c)) for c in codes
    )
    session.flush()
    return codes


def reset_second_factor(session: Session, principal: Principal, *, username: str) -> User:
    """Forget a user's second factor; they enrol again at the next sign-in."""
    principal.require("users.admin")
    user = get_user(session, principal, username=username)
    user.totp_secret = totp.new_secret()
    user.totp_confirmed = False
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    devicekeys.forget_keys(session, user_id=user.id)
    session.execute(
        update(WebSession).where(WebSession.user_id == user.id).values(revoked_at=func.now())
    )
    session.flush()
    return user


def set_password(session: Session, principal: Principal, *, username: str, password: str) -> User:
    """Set a user's password (administrators), refusing weak ones."""
    principal.require("users.admin")
    if (why := passwords.password_problem(password)) is not None:
        raise Invalid(
            "The password is invalid: {why}.", params={"why": Term(why)}, fields={"password": why}
        )
    user = get_user(session, principal, username=username)
    user.password_hash = passwords.hash_password(password)
    session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session,
    *,
    user: User,
    ip: str,
    user_agent: str,
    now: dt.datetime,
    hours: int,
    needs_device_key: bool = False,
) -> tuple[str, WebSession]:
    """Start a browser session; returns the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    row = WebSession(
        id=_digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + dt.timedelta(hours=hours),
        ip=ip[:64],
        user_agent=user_agent[:255],
        needs_device_key=needs_device_key,
    )
    session.add(row)
    session.flush()
    return token, row


def session_user(
    session: Session, *, token: str, now: dt.datetime
) -> tuple[WebSession, User] | None:
    """The live session and its user for a cookie token, or None."""
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(
            WebSession.id == _digest(token),
            WebSession.revoked_at.is_(None),
            WebSession.expires_at > now,
            User.active.is_(True),
        )
    ).first()
    return (row[0], row[1]) if row else None


def close_session(session: Session, *, token: str, now: dt.datetime) -> None:
    """Revoke a browser session (sign-out)."""
    session.execute(
        update(WebSession).where(WebSession.id == _digest(token)).values(revoked_at=now)
    )


def create_token(
    session: Session,
    principal: Principal,
    *,
    username: str,
    name: str,
    now: dt.datetime,
    days: int | None = None,
) -> str:
    """Issue an API token for a user; the token is returned once, its SHA-256 stored."""
    user = get_user(session, principal, username=username)
    if principal.user_id != user.id:
        principal.require("users.admin")
    token = "jw_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            name=name[:64] or "token",
            token_hash=_digest(token),
            prefix=token[:10],
            created_at=now,
            expires_at=now + dt.timedelta(days=days) if days else None,
        )
    )
    session.flush()
    return token


def token_user(session: Session, *, token: str, now: dt.datetime) -> User | None:
    """The active user of a bearer token, or None (one indexed lookup by hash)."""
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == _digest(token),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    api_token, user = row
    if api_token.expires_at is not None and api_token.expires_at <= now:
        return None
    return user


def device_key_enrolled(session: Session, *, token: str) -> None:
    """The session's user now has a device key: the session is no longer limited to enrolling."""
    session.execute(
        update(WebSession).where(WebSession.id == _digest(token)).values(needs_device_key=False)
    )
