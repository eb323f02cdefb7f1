"""Key material: the session secret, field-encryption keys and the blind-index key.

Keys come from settings (``JINGWU_SECRET_KEY``, ``JINGWU_DATA_KEYS``, ``JINGWU_DATA_KEY_ACTIVE``,
``JINGWU_BLIND_INDEX_KEY``). In development, missing keys are generated once into
``var/keys.json`` (mode 0600, never committed); in production a missing key stops start-up.

A running process follows ``jingwu keys rotate`` run elsewhere: a value under a key id it
has not loaded makes it read its keys again (at most once a second), and a changed key file
is noticed within seconds, so new values are written under the new active key.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jingwu.config import ConfigError, Settings

Algorithm = Literal["aes", "sm4"]
KEY_LENGTHS: dict[str, int] = {"aes": 32, "sm4": 16}  # AES-256-GCM, SM4-GCM (128-bit key)

log = logging.getLogger("jingwu.keys")


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
        """The key ``kid``; one this process has not loaded yet is looked for in its key
        source (another process rotated the keys), else ConfigError."""
        key = self.data_keys.get(kid) or _reloaded_key(self, kid)
        if key is None:
            raise ConfigError(
                f"Data key {kid!r} is needed to read stored data but is not configured."
            )
        return key


@dataclass(frozen=True)
class KeySource:
    """Where a process's keys come from, so that it can read them again when another
    process (``jingwu keys rotate``) has changed them."""

    load: Callable[[], Keyring]
    stamp: Callable[[], object]  # changes whenever the keys may have (the key file's mtime)


RECHECK_S = 2.0  # how often the key source's stamp is looked at (a stat)
RELOAD_GAP_S = 1.0  # reloads for an unknown key id: at most one a second

_current: Keyring | None = None
_source: KeySource | None = None
_stamp: object = None
_next_check = 0.0
_last_reload = -RELOAD_GAP_S
_reload_lock = threading.Lock()


def install(keyring: Keyring, source: KeySource | None = None) -> None:
    """Make ``keyring`` the process-wide key material (called once at start-up); with a
    ``source``, the process follows key changes made by others (see :func:`current`)."""
    global _current, _source, _stamp, _next_check  # noqa: PLW0603 - one keyring per process
    with _reload_lock:
        _current, _source = keyring, source
        _stamp = source.stamp() if source is not None else None
        _next_check = time.monotonic() + RECHECK_S


def current() -> Keyring:
    """The installed keyring, read again from its source when that has changed (checked
    every couple of seconds), so new values are written under the newest active key."""
    if _current is None:
        raise RuntimeError("no keyring installed: call jingwu.security.keys.install() first")
    if _source is not None and time.monotonic() >= _next_check:
        _recheck()
    return _current


def following(ring: Keyring) -> Keyring:
    """The installed (possibly reloaded) keyring in place of ``ring`` when ``ring`` is this
    process's own, for holders of a keyring such as the blob store; else ``ring``."""
    if _source is not None and _current is not None and ring.secret_key == _current.secret_key:
        return current()
    return ring


def _recheck() -> None:
    global _next_check  # noqa: PLW0603
    with _reload_lock:
        if _source is None or time.monotonic() < _next_check:
            return
        _next_check = time.monotonic() + RECHECK_S
        if _source.stamp() != _stamp:
            _reload()


def _reloaded_key(ring: Keyring, kid: str) -> DataKey | None:
    """``kid`` from the key source, when ``ring`` is this process's keyring (rate-limited)."""
    global _last_reload  # noqa: PLW0603
    if _source is None or _current is None or ring.secret_key != _current.secret_key:
        return None
    with _reload_lock:
        if kid not in _current.data_keys:
            time.sleep(max(0.0, _last_reload + RELOAD_GAP_S - time.monotonic()))
            _last_reload = time.monotonic()
            _reload()
        return _current.data_keys.get(kid)


def _reload() -> None:
    """Read the keys again (the lock is held). Keys are only ever added: a source that
    lost a key, or changed the secret or blind-index key, is refused and logged."""
    global _current, _stamp
    assert _source is not None and _current is not None
    stamp = _source.stamp()
    try:
        fresh = _source.load()
    except ConfigError as exc:
        log.error("keys not reloaded: %s", exc)
        return
    kept = fresh.secret_key == _current.secret_key
    kept = kept and fresh.blind_index_key == _current.blind_index_key
    if not kept or not set(_current.data_keys) <= set(fresh.data_keys):
        log.error("keys not reloaded: the key source no longer holds the keys in use")
        return
    if fresh != _current:
        log.info("keys reloaded: %s, active %s", sorted(fresh.data_keys), fresh.active)
    _current, _stamp = fresh, stamp


def source_for(settings: Settings) -> KeySource:
    """The key source of a process: the settings and, in development, the key file."""
    path = key_file(settings)

    def stamp() -> object:
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return None

    return KeySource(load=lambda: load_keyring(settings), stamp=stamp)


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
    """Load keys from settings, generating missing ones in development only.

    A process of the internet zone holds no data key and no blind-index key: it gets
    throwaway ones (random, never stored, known to no one), so that it cannot read personal
    data even by mistake; it needs only the secret key (forms, challenges)."""
    if settings.zone == "internet":
        return _internet_keyring(settings)
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


def _internet_keyring(settings: Settings) -> Keyring:
    secret = settings.secret_key
    if not secret and settings.is_production:
        raise ConfigError("Setting JINGWU_SECRET_KEY is missing: the internet zone needs it.")
    if not secret:
        secret = read_key_file(key_file(settings)).get("secret_key")
    throwaway = new_data_key("internet")
    return Keyring(
        secret_key=_b64(secret, "JINGWU_SECRET_KEY") if secret else secrets.token_bytes(32),
        blind_index_key=secrets.token_bytes(32),
        data_keys={throwaway.kid: throwaway},
        active=throwaway.kid,
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
