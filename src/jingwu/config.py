"""Settings, read from the environment (prefix ``JINGWU_``) and validated at start-up.

A bad setting stops start-up with one sentence naming it (:class:`ConfigError`).
Key material is not kept here: :mod:`jingwu.security.keys` loads or generates it.
"""

from __future__ import annotations

import ipaddress
import zoneinfo
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from jingwu.errors import ConfigError

__all__ = [
    "ConfigError",
    "Environment",
    "Language",
    "Settings",
    "Zone",
    "get_settings",
    "load_settings",
]

Environment = Literal["development", "production"]
Zone = Literal["intranet", "internet", "all"]
Language = Literal["zh_CN", "en"]


class Settings(BaseSettings):
    """Every setting of a Jingwu process; see docs/operations.md for each one."""

    model_config = SettingsConfigDict(env_prefix="JINGWU_", extra="ignore")

    database_url: str = Field(default="", description="SQLAlchemy URL; empty = SQLite in var_dir")
    environment: Environment = "development"
    zone: Zone = "all"
    var_dir: Path = Path("var")
    secret_key: str | None = Field(default=None, description="signs sessions and CSRF tokens")
    data_keys: str | None = Field(
        default=None, description="field-encryption keys: 'kid:alg:base64,...' (alg aes|sm4)"
    )
    data_key_active: str | None = Field(default=None, description="key id used for new values")
    blind_index_key: str | None = Field(default=None, description="HMAC key for blind indexes")
    time_zone: str = "Asia/Shanghai"
    language: Language = "zh_CN"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    demo: bool = False
    blob_dir: Path | None = None
    mqtt_url: str | None = None
    tile_url: str | None = None
    log_format: Literal["text", "json"] = "text"
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    login_account_ceiling: int = Field(default=20, ge=1, le=10_000)
    login_address_ceiling: int = Field(default=100, ge=1, le=100_000)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="proxies whose X-Forwarded-For is believed"
    )
    webauthn_origin: str | None = Field(
        default=None, description="the origin users sign in at, e.g. https://jingwu.example"
    )
    smtp_url: str | None = None
    sms_url: str | None = Field(default=None, description="the SMS gateway (HTTP, signed)")
    sms_secret: str | None = Field(default=None, validate_default=True)
    public_url: str | None = Field(
        default=None, description="the public portal's base URL, for links sent by SMS"
    )
    portal_public_key: str | None = Field(
        default=None,
        description="X25519 public key (base64) submissions are sealed to; the internet zone's "
        "only key (development: derived from the secret key)",
    )
    portal_private_key: str | None = Field(
        default=None,
        description="X25519 private key (base64) that opens sealed submissions; intranet only",
    )
    max_json_bytes: int = Field(
        default=1 << 20, ge=1024, description="largest request body but uploads (JSON, forms)"
    )
    max_readings_bytes: int = Field(
        default=4 << 20, ge=1024, description="largest device batch on POST /api/v1/iot/readings"
    )
    max_upload_bytes: int = Field(
        default=8 << 30, ge=1024, description="largest multipart upload (evidence files)"
    )
    metrics: bool | None = Field(
        default=None, description="serve /metrics (default: yes, except in the internet zone)"
    )
    api_docs: bool | None = Field(
        default=None,
        description="serve /api/docs and /api/openapi.json (default: yes, except internet zone)",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_networks(cls, value: object) -> list[str]:
        items = value.replace(",", " ").split() if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise ValueError("give IP addresses or CIDR networks separated by commas")
        try:
            return [str(ipaddress.ip_network(str(i).strip(), strict=False)) for i in items]
        except ValueError as exc:
            raise ValueError(f"not an IP address or network: {exc}") from None

    @field_validator("webauthn_origin", "public_url")
    @classmethod
    def _origin(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("give a URL such as https://jingwu.example")
        return value.rstrip("/")

    @field_validator("sms_url")
    @classmethod
    def _sms_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("give the http(s) URL of the SMS gateway")
        return value or None

    @field_validator("sms_secret")
    @classmethod
    def _sms_secret(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("sms_url") and not value:
            raise ValueError("the SMS gateway URL needs a shared secret to sign messages")
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("only sqlite:/// and postgresql:// URLs are supported")
        return value

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def serves_metrics(self) -> bool:
        return self.metrics if self.metrics is not None else self.zone != "internet"

    @property
    def serves_api_docs(self) -> bool:
        return self.api_docs if self.api_docs is not None else self.zone != "internet"

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under ``var_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'jingwu.db'}"

    @property
    def effective_blob_dir(self) -> Path:
        return self.blob_dir if self.blob_dir is not None else self.var_dir / "blobs"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings; raise ConfigError with one sentence on the first problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "?"
        reason = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"Setting JINGWU_{name} is invalid: {reason}.") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached after the first successful read)."""
    return load_settings()
