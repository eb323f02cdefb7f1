"""Key material: the session secret, field-encryption keys and the blind-index key.

Keys come from settings (``JINGWU_SECRET_KEY``, ``JINGWU_DATA_KEYS``, ``JINGWU_DATA_KEY_ACTIVE``,
``JINGWU_BLIND_INDEX_KEY``). In development, missing keys are generated once into
``var/keys.json`` (mode 0600, never committed); in production a missing key stops start-up.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jingwu.config import ConfigError, Settings

Algorithm = Literal["aes", "sm4"]
KEY_LENGTHS: dict[str, int] = {"aes": 32, "sm4": 16}  # AES-256-GCM, SM4-GCM (128-bit key)


@dataclass(frozen=True)
class DataKey:
    """One field-encryption key."""

    kid: str
    alg: Algorithm
    key: bytes = field(repr=False)


@dataclass(frozen=True)
class Keyring:
    """All key material of a process."""

    secret_key: bytes = field(repr=False)
    blind_index_key: bytes = field(repr=False)
    data_keys: dict[str, DataKey]
    active: str

    @property
    def active_key(self) -> DataKey:
        return self.data_keys[self.active]

    def get(self, kid: str) -> DataKey:
        try:
            return self.data_keys[kid]
        except KeyError:
            raise ConfigError(
                f"Data key {kid!r} is needed to read stored data but is not configured."
            ) from None


_current: Keyring | None = None


def install(keyring: Keyring) -> None:
    """Make ``keyring`` the process-wide key material (called once at start-up)."""
    global _current  # noqa: PLW0603 - one keyring per process, set at start-up
    _current = keyring


def current() -> Keyring:
    """The installed keyring; raises when start-up has not installed one."""
    if _current is None:
        raise RuntimeError("no keyring installed: call jingwu.security.keys.install() first")
    return _current


def _b64(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"Setting {name} is invalid: not base64.") from None


def parse_data_keys(spec: str) -> dict[str, DataKey]:
    """Parse ``kid:alg:base64[,kid:alg:base64...]`` into data keys."""
    keys: dict[str, DataKey] = {}
    for raw in spec.split(","):
        parts = raw.strip().split(":")
        if len(parts) != 3:
            raise ConfigError(
                "Setting JINGWU_DATA_KEYS is invalid: expected 'kid:alg:base64' items."
            )
        kid, alg, b64 = parts
        if alg not in KEY_LENGTHS:
            raise ConfigError(f"Setting JINGWU_DATA_KEYS is invalid: unknown algorithm {alg!r}.")
        key = _b64(b64, "JINGWU_DATA_KEYS")
        if len(key) != KEY_LENGTHS[alg]:
            raise ConfigError(
                f"Setting JINGWU_DATA_KEYS is invalid: key {kid!r} must be "
                f"{KEY_LENGTHS[alg]} bytes for {alg}."
            )
        keys[kid] = DataKey(kid=kid, alg=alg, key=key)  # type: ignore[arg-type]
    return keys


def format_data_keys(keys: dict[str, DataKey]) -> str:
    """Inverse of :func:`parse_data_keys`."""
    return ",".join(f"{k.kid}:{k.alg}:{base64.b64encode(k.key).decode()}" for k in keys.values())


def new_data_key(kid: str, alg: Algorithm = "aes") -> DataKey:
    """A fresh random data key."""
    return DataKey(kid=kid, alg=alg, key=secrets.token_bytes(KEY_LENGTHS[alg]))


def key_file(settings: Settings) -> Path:
    return settings.var_dir / "keys.json"


def read_key_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Key file {path} cannot be read: {exc}.") from None
    if not isinstance(data, dict):
        raise ConfigError(f"Key file {path} is not a JSON object.")
    return {str(k): str(v) for k, v in data.items()}


def write_key_file(path: Path, values: dict[str, str]) -> None:
    """Write the development key file atomically with owner-only permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def load_keyring(settings: Settings) -> Keyring:
    """Load keys from settings, generating missing ones in development only."""
    stored = {} if settings.is_production else read_key_file(key_file(settings))
    values = {
        "secret_key": settings.secret_key or stored.get("secret_key"),
        "blind_index_key": settings.blind_index_key or stored.get("blind_index_key"),
        "data_keys": settings.data_keys or stored.get("data_keys"),
        "data_key_active": settings.data_key_active or stored.get("data_key_active"),
    }
    missing = [name for name, value in values.items() if not value]
    if missing and settings.is_production:
        raise ConfigError(
            f"Setting JINGWU_{missing[0].upper()} is missing: production needs every key set."
        )
    if missing:
        generated = _generate(values)
        write_key_file(key_file(settings), {**stored, **generated})
        values.update(generated)
    data_keys = parse_data_keys(str(values["data_keys"]))
    active = str(values["data_key_active"])
    if active not in data_keys:
        raise ConfigError(
            f"Setting JINGWU_DATA_KEY_ACTIVE is invalid: {active!r} is not among the data keys."
        )
    return Keyring(
        secret_key=_b64(str(values["secret_key"]), "JINGWU_SECRET_KEY"),
        blind_index_key=_b64(str(values["blind_index_key"]), "JINGWU_BLIND_INDEX_KEY"),
        data_keys=data_keys,
        active=active,
    )


def _generate(values: dict[str, str | None]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in ("secret_key", "blind_index_key"):
        if not values[name]:
            out[name] = base64.b64encode(secrets.token_bytes(32)).decode()
    if not values["data_keys"]:
        key = new_data_key("k1")
        out["data_keys"] = format_data_keys({key.kid: key})
        out["data_key_active"] = key.kid
    elif not values["data_key_active"]:
        out["data_key_active"] = next(iter(parse_data_keys(str(values["data_keys"]))))
    return out
