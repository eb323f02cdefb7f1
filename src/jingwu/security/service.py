"""Key checks at start-up and key rotation (re-encrypting every stored value)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import (
    Column,
    String,
    Table,
    bindparam,
    delete,
    inspect,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from jingwu.config import ConfigError
from jingwu.db import Encrypted
from jingwu.models import Base  # every domain's tables, not only those imported so far
from jingwu.security import crypto
from jingwu.security.keys import Keyring
from jingwu.security.models import KeyCanary

CANARY_TEXT = "jingwu key canary"
CANARY_CONTEXT = "key_canaries.token"
BLIND_KID = "__blind_index__"


def check_keys(session: Session, keyring: Keyring, *, now: dt.datetime) -> None:
    """Stop start-up (ConfigError) when a configured key cannot read the stored data.

    Every key that ever encrypted data left a canary; each must be present and decrypt
    it. The blind-index key must reproduce its canary, or equality lookups would fail.
    """
    if not inspect(session.connection()).has_table(KeyCanary.__tablename__):
        return
    canaries = {c.kid: c for c in session.scalars(select(KeyCanary))}
    for kid, canary in canaries.items():
        if kid == BLIND_KID:
            if crypto.blind_index(keyring, CANARY_TEXT, "canary") != canary.token:
                raise ConfigError(
                    "Setting JINGWU_BLIND_INDEX_KEY does not match the key that indexed the "
                    "stored data."
                )
            continue
        try:
            crypto.decrypt_text(keyring, canary.token, CANARY_CONTEXT)
        except crypto.DecryptionError:
            raise ConfigError(
                f"Data key {kid!r} cannot decrypt the stored data: it is not the key that "
                "encrypted it."
            ) from None
    _add_missing_canaries(session, keyring, canaries, now)


def _add_missing_canaries(
    session: Session, keyring: Keyring, canaries: dict[str, KeyCanary], now: dt.datetime
) -> None:
    if BLIND_KID not in canaries:
        token = crypto.blind_index(keyring, CANARY_TEXT, "canary")
        session.add(KeyCanary(kid=BLIND_KID, alg="hmac-sha256", token=token, created_at=now))
    active = keyring.active_key
    if active.kid not in canaries:
        token = crypto.encrypt_text(keyring, CANARY_TEXT, CANARY_CONTEXT)
        session.add(KeyCanary(kid=active.kid, alg=active.alg, token=token, created_at=now))
    session.flush()


def encrypted_columns() -> list[tuple[Table, Column[str], str]]:
    """Every (table, column, context) holding field-encrypted values."""
    found: list[tuple[Table, Column[str], str]] = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Encrypted):
                found.append((table, column, column.type.context))
    return found


def rotate(
    session: Session, keyring: Keyring, *, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Re-encrypt every value not under the active key; returns counts per column."""
    counts: dict[str, int] = {}
    for table, column, context in encrypted_columns():
        pk = next(iter(table.primary_key.columns))
        raw = type_coerce(column, String)
        rows = session.execute(select(pk, raw).where(column.is_not(None))).all()
        done = 0
        for key, token in rows:
            if crypto.key_id_of(token) == keyring.active:
                continue
            plain = crypto.decrypt_text(keyring, token, context)
            fresh = crypto.encrypt_text(keyring, plain, context)
            # A plain String bind: the column's own type would encrypt the ciphertext again.
            value = bindparam("fresh", fresh, type_=String)
            session.execute(update(table).where(pk == key).values({column.name: value}))
            done += 1
        counts[f"{table.name}.{column.name}"] = done
        if progress is not None:
            progress(f"{table.name}.{column.name}", done)
    session.flush()
    return counts


def retire_old_canaries(session: Session, keyring: Keyring) -> None:
    """After every value and file is under the active key, old keys are no longer needed."""
    session.execute(delete(KeyCanary).where(KeyCanary.kid.not_in([keyring.active, BLIND_KID])))
