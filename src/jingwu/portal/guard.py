"""Abuse control of the portal (internet zone): SMS one-time codes, per-phone and
per-address rate limits, single use of a challenge. Phones and addresses are stored only as
keyed hashes (the key derived from the secret key; no data key is needed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Forbidden
from jingwu.portal.models import PortalAttempt, PortalCode
from jingwu.security import keys

CODE_TTL = dt.timedelta(minutes=10)
CODE_TRIES = 5
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# kind -> (window, most per phone, most per address)
LIMITS: dict[str, tuple[dt.timedelta, int, int]] = {
    "code": (HOUR, 5, 20),
    "submit": (DAY, 10, 30),
    "rate": (HOUR, 5, 20),
}


def hashed(kind: str, value: str) -> str:
    """A keyed hash of a phone or an address (equality only; not reversible)."""
    key = hashlib.sha256(b"jingwu.portal.guard\x00" + keys.current().secret_key).digest()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _count(session: Session, kind: str, key: str, since: dt.datetime) -> int:
    stmt = select(func.count()).where(
        PortalAttempt.kind == kind, PortalAttempt.key == key, PortalAttempt.at >= since
    )
    return int(session.scalar(stmt) or 0)


def check_rate(
    session: Session, kind: str, *, phone: str | None, address: str, now: dt.datetime
) -> None:
    """Count one ``kind`` action for the phone and the address; Forbidden (code
    ``rate_limited``) when either is over its limit in the window."""
    window, per_phone, per_address = LIMITS[kind]
    keyed = [(f"{kind}:addr", hashed("addr", address), per_address)]
    if phone:
        keyed.append((f"{kind}:phone", hashed("phone", phone), per_phone))
    for name, key, most in keyed:
        if _count(session, name, key, now - window) >= most:
            raise Forbidden("Too many attempts; please try again later.", code="rate_limited")
    for name, key, _ in keyed:
        session.add(PortalAttempt(kind=name, key=key, at=now))
    session.flush()


def use_once(session: Session, nonce: str, *, now: dt.datetime) -> None:
    """Record a challenge as used; Conflict when it was used before."""
    key = hashed("pow", nonce)
    if _count(session, "pow", key, now - DAY) > 0:
        raise Conflict("This challenge was used already; please try again.", code="pow_used")
    session.add(PortalAttempt(kind="pow", key=key, at=now))
    session.flush()


def new_code(session: Session, *, phone: str, now: dt.datetime) -> str:
    """A fresh six-digit code for ``phone`` (earlier ones stop working)."""
    phone_key = hashed("phone", phone)
    session.execute(
        update(PortalCode)
        .where(PortalCode.phone_key == phone_key, PortalCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        PortalCode(
            phone_key=phone_key,
            code_hash=hashed("code", f"{phone}:{code}"),
            created_at=now,
            expires_at=now + CODE_TTL,
            tries=0,
        )
    )
    session.flush()
    return code


def check_code(session: Session, *, phone: str, code: str, now: dt.datetime) -> bool:
    """Spend the phone's code when ``code`` is it; False when it is wrong, expired or tried
    too often (the failed try is counted: return, do not raise, so that it is committed)."""
    phone_key = hashed("phone", phone)
    row = session.scalar(
        select(PortalCode)
        .where(PortalCode.phone_key == phone_key, PortalCode.used_at.is_(None))
        .order_by(PortalCode.id.desc())
        .limit(1)
    )
    if row is None or row.expires_at < now or row.tries >= CODE_TRIES:
        return False
    row.tries += 1
    ok = hmac.compare_digest(row.code_hash, hashed("code", f"{phone}:{code.strip()}"))
    if ok:
        row.used_at = now
    session.flush()
    return ok


def forget_old(session: Session, *, now: dt.datetime) -> int:
    """Delete attempts and codes older than two days (they count for no limit any more)."""
    old = now - 2 * DAY
    n = session.execute(delete(PortalAttempt).where(PortalAttempt.at < old))
    m = session.execute(delete(PortalCode).where(PortalCode.created_at < old))
    return int(getattr(n, "rowcount", 0) or 0) + int(getattr(m, "rowcount", 0) or 0)
