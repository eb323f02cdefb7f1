"""Open311 use cases: issue, list and revoke API keys; check a key; take in a request.

A key is ``o311_`` and 43 URL-safe characters (32 random bytes); the table keeps its SHA-256.
Checking a key counts its accepted requests of the last hour (``open311_key_uses``) against
the key's ``per_hour``; a request over the limit is refused (429) and not counted.
``submit`` hands a checked request to :func:`jingwu.portal.service.submit` with the channel
``open311``: the portal seals the description and contact data for the intranet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped, unit_in_scope
from jingwu.errors import Invalid, NotFound, translate
from jingwu.i18n import DEFAULT_LANGUAGE, translator
from jingwu.open311 import catalogue
from jingwu.open311.models import Open311Key, Open311KeyUse
from jingwu.open311.spec import Open311Error, attributes_of, parse_point
from jingwu.portal import service as portal
from jingwu.reference import service as reference

PREFIX = "o311_"
WINDOW = dt.timedelta(hours=1)
MAX_PER_HOUR = 10_000


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Issued:
    key: Open311Key
    secret: str  # shown once, never stored


def issue_key(
    session: Session,
    principal: Principal,
    *,
    unit: str,
    name: str,
    per_hour: int = 60,
    now: dt.datetime,
) -> Issued:
    """A new key for a partner named ``name``, issued by the district ``unit``."""
    principal.require("open311.keys")
    district = unit_in_scope(session, principal, unit, kind="district")
    if district is None:
        raise NotFound("No district {unit} in your scope.", params={"unit": unit})
    name = " ".join(name.split())
    if not 1 <= len(name) <= 120:
        raise Invalid("Name the partner that will use the key (1 to 120 characters).")
    if not 1 <= per_hour <= MAX_PER_HOUR:
        raise Invalid("The hourly limit must be between 1 and 10000 requests.")
    secret = PREFIX + secrets.token_urlsafe(32)
    key = Open311Key(
        unit_id=district.id,
        name=name,
        key_hash=hash_key(secret),
        prefix=secret[: len(PREFIX) + 4],
        per_hour=per_hour,
        issued_by_id=principal.user_id,
        issued_at=now,
    )
    session.add(key)
    session.flush()
    return Issued(key, secret)


def keys(session: Session, principal: Principal) -> Sequence[Open311Key]:
    """The keys of the districts in scope, newest first."""
    principal.require("open311.keys")
    stmt = scoped(select(Open311Key), principal, Open311Key.unit_id)
    return list(session.scalars(stmt.order_by(Open311Key.id.desc())))


def revoke_key(
    session: Session, principal: Principal, *, key_id: int, now: dt.datetime
) -> Open311Key:
    """Revoke a key at once (idempotent: a revoked key keeps its first revocation time)."""
    principal.require("open311.keys")
    stmt = scoped(select(Open311Key), principal, Open311Key.unit_id).where(Open311Key.id == key_id)
    key = session.scalar(stmt)
    if key is None:
        raise NotFound("No Open311 key {id} in your scope.", params={"id": key_id})
    if key.revoked_at is None:
        key.revoked_at = now
        session.flush()
    return key


def check_key(session: Session, *, api_key: str | None, now: dt.datetime) -> Open311Key:
    """The key presented with a request, if valid and within its limit; counts the use."""
    if not api_key or not api_key.startswith(PREFIX) or len(api_key) > 100:
        raise Open311Error(403, "api_key is missing or invalid.")
    key = session.scalar(select(Open311Key).where(Open311Key.key_hash == hash_key(api_key)))
    if key is None or key.revoked_at is not None:
        raise Open311Error(403, "api_key is missing or invalid.")
    used = session.scalar(
        select(func.count(Open311KeyUse.id)).where(
            Open311KeyUse.key_id == key.id, Open311KeyUse.at > now - WINDOW
        )
    )
    if (used or 0) >= key.per_hour:
        raise Open311Error(429, f"api_key is over its limit of {key.per_hour} requests an hour.")
    session.add(Open311KeyUse(key_id=key.id, at=now))
    session.flush()
    return key


def entries(session: Session, *, active_only: bool = True) -> list[catalogue.Entry]:
    """The (active) categories of the catalogue as services."""
    return [
        catalogue.Entry(c.code, c.module, c.name, c.name_en, c.default_tier)
        for c in reference.categories(session, active_only=active_only)
    ]


def entry(session: Session, code: str) -> catalogue.Entry:
    found = next((e for e in entries(session) if e.code == code), None)
    if found is None:
        raise Open311Error(404, "service_code was not found.")
    return found


MAX_TEXT = 4000
FIELD_LIMITS = {
    "first_name": 40,
    "last_name": 40,
    "phone": 32,
    "email": 254,
    "address_string": 255,
    "address_id": 64,
    "device_id": 64,
    "account_id": 64,
    "media_url": 500,
}


def submit(
    session: Session,
    *,
    form: list[tuple[str, str]],
    key: Open311Key,
    now: dt.datetime,
    language: str = DEFAULT_LANGUAGE,
) -> tuple[portal.Submission, str | None]:
    """Check a ``POST requests`` form and hand it to the portal's inbox (channel open311).

    Returns the submission (its token) and the ``account_id`` given, if any. Everything
    but the service code and the point is sealed with the description; ``media_url`` is
    sealed as text, never fetched. The address's label is in ``language``, the one the
    intranet's officers read (the site's language, zh_CN by default)."""
    fields: dict[str, str] = {}
    for name, value in form:
        fields.setdefault(name, value.strip())
    too_long = [f for f, n in FIELD_LIMITS.items() if len(fields.get(f, "")) > n]
    if too_long:
        raise Open311Error(400, f"{too_long[0]} is longer than {FIELD_LIMITS[too_long[0]]}.")
    code = fields.get("service_code", "")
    if not code:
        raise Open311Error(400, "service_code was not provided.")
    found = entry(session, code)
    point = parse_point(fields.get("lat"), fields.get("long"))
    address = fields.get("address_string", "")
    if point is None and not address:
        raise Open311Error(400, "lat and long, or address_string, are required.")
    problems, answers = catalogue.check_answers(found.module, attributes_of(form))
    if problems:
        raise Open311Error(400, *problems)
    text = fields.get("description", "")
    if len(text) > MAX_TEXT:
        raise Open311Error(400, f"description is longer than {MAX_TEXT} characters.")
    said = translate("Address: {address}", {"address": address}, translator(language))
    extras = [said] if address else []
    extras += [
        f"{f}: {fields[f]}"
        for f in ("address_id", "media_url", "device_id", "account_id")
        if fields.get(f)
    ]
    sealed_text = "\n".join([text or found.name_zh, *answers, *extras])[:MAX_TEXT]
    name = " ".join(p for p in (fields.get("first_name"), fields.get("last_name")) if p)
    submission = portal.submit(
        session,
        channel="open311",
        service_code=found.code,
        description=sealed_text,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        contact_phone=fields.get("phone") or None,
        contact_name=name or None,
        email=fields.get("email") or None,
        api_key_id=key.id,
        now=now,
    )
    return submission, fields.get("account_id") or None
