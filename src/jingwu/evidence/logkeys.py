"""The log's signing keys: from settings in production, generated into var/ in development.

Settings (environment, prefix ``JINGWU_EVIDENCE_``):

- ``JINGWU_EVIDENCE_SIGNER_KEY``: one or more signer keys ``PRIVATE+KEY+<origin>+…``
  separated by commas or newlines. Every key signs every checkpoint (so keys can rotate
  and a second algorithm can be added); all keys carry the log's origin as their name.
- ``JINGWU_EVIDENCE_OLD_KEYS``: verifier keys of retired log keys, so checkpoints they
  signed still open.
- ``JINGWU_EVIDENCE_ORIGIN``: the origin of the key generated in development.

In development a missing signer key is generated once into ``var/evidence-keys.json``
(mode 0600, never committed), as `jingwu.security.keys` does for the other keys; in
production a missing key stops start-up.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from jingwu.config import ConfigError, Settings
from jingwu.evidence.keys import (
    Ed25519Signer,
    NoteError,
    Signer,
    Verifier,
    check_name,
    parse_signer_key,
    parse_verifier_key,
)
from jingwu.security.keys import read_key_file, write_key_file

DEFAULT_ORIGIN = "jingwu.localhost/evidence"
KEY_FILE = "evidence-keys.json"
_SEPARATORS = re.compile(r"[,\n]+")


class EvidenceSettings(BaseSettings):
    """The evidence log's own settings (read beside `jingwu.config.Settings`)."""

    model_config = SettingsConfigDict(env_prefix="JINGWU_EVIDENCE_", extra="ignore")

    signer_key: str | None = None
    old_keys: str | None = None
    origin: str = DEFAULT_ORIGIN


@dataclass(frozen=True)
class LogKeys:
    """The log's origin, the keys that sign its checkpoints, and every key that may have."""

    origin: str
    signers: tuple[Signer, ...] = field(repr=False)
    verifier_keys: tuple[str, ...]
    old_verifier_keys: tuple[str, ...] = ()

    @property
    def verifiers(self) -> list[Verifier]:
        """Verifiers of the current and the retired keys."""
        return [parse_verifier_key(k) for k in (*self.verifier_keys, *self.old_verifier_keys)]


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(value or "") if part.strip()]


def _verifier_key(signer: Signer) -> str:
    make = getattr(signer, "verifier_key", None)
    if make is None:
        raise ConfigError(f"Log key {signer.name!r} cannot say its verifier key.")
    return str(make())


def build_log_keys(signer_keys: list[str], old_keys: list[str]) -> LogKeys:
    """Parse signer and retired verifier key strings; all must name the same origin."""
    try:
        signers = tuple(parse_signer_key(k) for k in signer_keys)
        old = tuple(parse_verifier_key(k) for k in old_keys)
    except NoteError as exc:
        raise ConfigError(f"Setting JINGWU_EVIDENCE_SIGNER_KEY is invalid: {exc}.") from None
    if not signers:
        raise ConfigError("Setting JINGWU_EVIDENCE_SIGNER_KEY holds no key.")
    origins = {s.name for s in signers} | {v.name for v in old}
    if len(origins) != 1:
        raise ConfigError(
            "Setting JINGWU_EVIDENCE_SIGNER_KEY is invalid: every log key must carry the "
            f"same origin, not {', '.join(sorted(origins))}."
        )
    vkeys = tuple(_verifier_key(s) for s in signers)
    return LogKeys(origins.pop(), signers, vkeys, tuple(old_keys))


def generate_signer_key(origin: str) -> str:
    """Return a fresh Ed25519 signer key string for ``origin``."""
    return Ed25519Signer(check_name(origin), secrets.token_bytes(32)).signer_key()


def _evidence_settings() -> EvidenceSettings:
    try:
        return EvidenceSettings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "?"
        raise ConfigError(f"Setting JINGWU_EVIDENCE_{name} is invalid: {err['msg']}.") from None


def load_log_keys(settings: Settings) -> LogKeys:
    """Return the log keys for these settings (generating one in development)."""
    ev = _evidence_settings()
    return _load(settings.var_dir, settings.is_production, ev.signer_key, ev.old_keys, ev.origin)


@lru_cache(maxsize=8)
def _load(
    var_dir: Path, production: bool, signer_key: str | None, old_keys: str | None, origin: str
) -> LogKeys:
    if signer_key:
        return build_log_keys(_split(signer_key), _split(old_keys))
    if production:
        raise ConfigError(
            "Setting JINGWU_EVIDENCE_SIGNER_KEY is missing: production signs evidence "
            "checkpoints with a configured key (make one with `jingwu evidence key --new`)."
        )
    path = var_dir / KEY_FILE
    stored = read_key_file(path)
    if not stored.get("signer_key"):
        try:
            stored["signer_key"] = generate_signer_key(origin)
        except NoteError as exc:
            raise ConfigError(f"Setting JINGWU_EVIDENCE_ORIGIN is invalid: {exc}.") from None
        write_key_file(path, stored)
    return build_log_keys(_split(stored["signer_key"]), _split(old_keys))


def fingerprint(keys: LogKeys) -> str:
    """Return a short fingerprint of the current verifier keys (for pages and logs)."""
    return hashlib.sha256("\n".join(keys.verifier_keys).encode()).hexdigest()[:16]
