"""Device keys (WebAuthn: security keys, phones, built-in passkeys) as a second factor.

The ceremonies run through the ``webauthn`` library; what this module keeps is the state
between the two halves of each ceremony: a challenge stored in the database (any process
may finish what another began), bound to its purpose and user, valid for a few minutes
and used once; the credential's public key and signature counter (a counter that does not
grow means a cloned key, refused); and which roles must sign in with a device key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from jingwu.accounts.models import DeviceKey, RolePolicy, User, WebAuthnChallenge
from jingwu.accounts.roles import Role
from jingwu.accounts.scope import Principal
from jingwu.audit import service as audit
from jingwu.errors import Conflict, Invalid, NotFound

CHALLENGE_TTL = dt.timedelta(minutes=5)
MAX_CREDENTIAL_CHARS = 64 * 1024
REGISTER, SIGN_IN = "register", "sign_in"


@dataclass(frozen=True)
class RelyingParty:
    """Who asks for the key: the site's origin and its host name (the RP id)."""

    origin: str
    name: str = "警务 Jingwu"

    @property
    def id(self) -> str:
        return urlsplit(self.origin).hostname or ""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_credential(raw: str) -> dict[str, Any]:
    """The browser's credential (JSON); Invalid when it is not one."""
    try:
        if len(raw) > MAX_CREDENTIAL_CHARS:
            raise ValueError
        data = json.loads(raw)
        client_data = json.loads(_unb64url(data["response"]["clientDataJSON"]))
        challenge = client_data["challenge"]
        if not isinstance(data, dict) or not isinstance(data["id"], str):
            raise TypeError
        if not isinstance(challenge, str):
            raise TypeError
    except (ValueError, TypeError, KeyError, IndexError):
        raise Invalid("The device key's answer is malformed.") from None
    return {**data, "_challenge": challenge[:128]}


def _new_challenge(
    session: Session, *, purpose: str, user_id: int | None, now: dt.datetime
) -> bytes:
    challenge = secrets.token_bytes(32)
    session.add(
        WebAuthnChallenge(
            challenge=b64url(challenge),
            purpose=purpose,
            user_id=user_id,
            created_at=now,
            expires_at=now + CHALLENGE_TTL,
        )
    )
    session.flush()
    return challenge


def _take_challenge(
    session: Session, *, credential: dict[str, Any], purpose: str, user_id: int, now: dt.datetime
) -> bytes | None:
    """The challenge the browser answered, now spent; None unless it was ours, for this
    purpose and user, unexpired and unused (a conditional update: used once, even by two
    processes at the same moment)."""
    result = session.execute(
        update(WebAuthnChallenge)
        .where(
            WebAuthnChallenge.challenge == credential["_challenge"],
            WebAuthnChallenge.purpose == purpose,
            WebAuthnChallenge.user_id == user_id,
            WebAuthnChallenge.used_at.is_(None),
            WebAuthnChallenge.expires_at > now,
        )
        .values(used_at=now)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return _unb64url(credential["_challenge"])


def _public(credential: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in credential.items() if not k.startswith("_")}


def list_keys(session: Session, *, user_id: int) -> list[DeviceKey]:
    """The user's device keys, oldest first."""
    stmt = select(DeviceKey).where(DeviceKey.user_id == user_id).order_by(DeviceKey.id)
    return list(session.scalars(stmt))


def has_keys(session: Session, *, user_id: int) -> bool:
    count = session.scalar(select(func.count()).where(DeviceKey.user_id == user_id))
    return bool(count)


def registration_options(
    session: Session, *, user: User, rp: RelyingParty, now: dt.datetime
) -> str:
    """The options (JSON) for ``navigator.credentials.create``; the challenge is stored."""
    challenge = _new_challenge(session, purpose=REGISTER, user_id=user.id, now=now)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_name=user.username,
        user_id=str(user.id).encode(),
        user_display_name=user.display_name,
        challenge=challenge,
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=_unb64url(k.credential_id))
            for k in list_keys(session, user_id=user.id)
        ],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return options_to_json(options)


def register(
    session: Session,
    *,
    user: User,
    credential: str,
    name: str,
    rp: RelyingParty,
    now: dt.datetime,
) -> DeviceKey:
    """Check the browser's new credential against its challenge and keep its public key."""
    parsed = parse_credential(credential)
    challenge = _take_challenge(
        session, credential=parsed, purpose=REGISTER, user_id=user.id, now=now
    )
    if challenge is None:
        raise Invalid("The device key request has expired or was already used; try again.")
    try:
        verified = verify_registration_response(
            credential=_public(parsed),
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except WebAuthnException:
        raise Invalid("The device key could not be verified for this site.") from None
    credential_id = b64url(verified.credential_id)
    if session.scalar(select(DeviceKey.id).where(DeviceKey.credential_id == credential_id)):
        raise Conflict("This device key is already registered.")
    key = DeviceKey(
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(name.strip() or "device key")[:64],
        created_at=now,
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        principal=None,
        action="auth.device_key_added",
        object_type="user",
        object_id=user.id,
        unit_id=user.unit_id,
        now=now,
        detail={"key": key.id},
    )
    return key


def _decoy_id(username: str, secret: bytes) -> bytes:
    """A credential id that looks real for a username without keys (no enumeration)."""
    return hmac.new(secret, b"device-key:" + username.encode(), hashlib.sha256).digest()


def sign_in_options(
    session: Session, *, username: str, rp: RelyingParty, now: dt.datetime, secret: bytes
) -> str:
    """The options (JSON) for ``navigator.credentials.get``; the same shape whether or not
    the username exists or has keys."""
    username = username.strip().lower()[:64]
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    ids = [_unb64url(k.credential_id) for k in list_keys(session, user_id=user.id)] if user else []
    challenge = _new_challenge(session, purpose=SIGN_IN, user_id=user.id if user else None, now=now)
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=i) for i in ids or [_decoy_id(username, secret)]
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options)


def verify_sign_in(
    session: Session, *, user: User, credential: str, rp: RelyingParty, now: dt.datetime
) -> bool:
    """True when ``credential`` is a fresh answer of one of the user's keys to a challenge
    issued for this user; the key's counter moves on (a counter that does not grow is a
    cloned key and fails)."""
    try:
        parsed = parse_credential(credential)
    except Invalid:
        return False
    challenge = _take_challenge(
        session, credential=parsed, purpose=SIGN_IN, user_id=user.id, now=now
    )
    key = session.scalar(
        select(DeviceKey).where(
            DeviceKey.user_id == user.id, DeviceKey.credential_id == parsed["id"]
        )
    )
    if challenge is None or key is None:
        return False
    try:
        verified = verify_authentication_response(
            credential=_public(parsed),
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count,
        )
    except WebAuthnException:
        return False
    key.sign_count, key.last_used_at = verified.new_sign_count, now
    session.flush()
    return True


def remove_key(session: Session, *, user: User, key_id: int, now: dt.datetime) -> None:
    """Remove one of the user's keys (not the last one when the role requires a key)."""
    key = session.get(DeviceKey, key_id)
    if key is None or key.user_id != user.id:
        raise NotFound("No such device key.")
    if (
        device_key_required(session, role=user.role)
        and len(list_keys(session, user_id=user.id)) == 1
    ):
        raise Conflict("Your role requires a device key: add another before removing this one.")
    session.delete(key)
    session.flush()
    audit.record(
        session,
        principal=None,
        action="auth.device_key_removed",
        object_type="user",
        object_id=user.id,
        unit_id=user.unit_id,
        now=now,
        detail={"key": key_id},
    )


def forget_keys(session: Session, *, user_id: int) -> None:
    """Remove every key of a user (an administrator's reset of the second factor)."""
    session.execute(delete(DeviceKey).where(DeviceKey.user_id == user_id))


def required_roles(session: Session) -> set[str]:
    """The roles that must sign in with a device key."""
    stmt = select(RolePolicy.role).where(RolePolicy.device_key_required.is_(True))
    return set(session.scalars(stmt))


def device_key_required(session: Session, *, role: str) -> bool:
    policy = session.get(RolePolicy, role)
    return policy is not None and policy.device_key_required


def set_required_roles(session: Session, principal: Principal, *, roles: set[str]) -> None:
    """Set which roles must sign in with a device key (administrators)."""
    principal.require("users.admin")
    known = {r.value for r in Role}
    if unknown := roles - known:
        raise Invalid("Unknown role {role}.", params={"role": sorted(unknown)[0]})
    for role in sorted(known):
        policy = session.get(RolePolicy, role)
        if policy is None:
            policy = RolePolicy(role=role, device_key_required=False)
            session.add(policy)
        policy.device_key_required = role in roles
    session.flush()


def prune_challenges(session: Session, *, now: dt.datetime) -> int:
    """Delete challenges that expired (housekeeping)."""
    result = session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at < now))
    return int(getattr(result, "rowcount", 0) or 0)
