"""Settings of the sensing network, read from ``JINGWU_IOT_*`` (and ``JINGWU_MQTT_URL``).

The shared :class:`jingwu.config.Settings` carries ``mqtt_url``; the domain's own knobs live
here so the shared file need not change. Documented in docs/iot.md.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from jingwu.config import ConfigError


class IotSettings(BaseSettings):
    """Ingestion, retention and simulator settings."""

    model_config = SettingsConfigDict(env_prefix="JINGWU_IOT_", extra="ignore")

    raw_retention_days: int = Field(default=30, ge=1, le=3650)
    minute_rollup_days: int = Field(default=30, ge=1, le=3650)
    batch_size: int = Field(default=2000, ge=1, le=50_000)
    batch_ms: int = Field(default=100, ge=1, le=10_000)
    connections: int = Field(default=2, ge=1, le=32)
    client_id: str = Field(default="", max_length=40)
    demo_rate: float = Field(default=8.0, ge=0, le=10_000)
    stats_file: str | None = None
    share_group: str = Field(default="jingwu", pattern=r"^[A-Za-z0-9_-]{1,40}$")

    @property
    def effective_client_id(self) -> str:
        """This worker's fixed MQTT client id prefix: a persistent session needs a stable id."""
        return self.client_id or f"jingwu-ingest-{socket.gethostname()}"[:40]


def load_iot_settings() -> IotSettings:
    """Read the IoT settings; ConfigError with one sentence on a bad value."""
    try:
        return IotSettings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "?"
        raise ConfigError(f"Setting JINGWU_IOT_{name} is invalid: {err['msg']}.") from None


@dataclass(frozen=True, slots=True)
class MqttTarget:
    """Where the broker is and how to log in (from ``mqtt://user:pass@host:port``)."""

    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool


def parse_mqtt_url(url: str) -> MqttTarget:
    """Parse ``mqtt://`` or ``mqtts://`` URLs; ConfigError naming the problem."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ConfigError(f"Setting JINGWU_MQTT_URL must start with mqtt:// (got {url!r}).")
    tls = parts.scheme in ("mqtts", "ssl")
    try:
        port = parts.port or (8883 if tls else 1883)
    except ValueError:
        raise ConfigError("Setting JINGWU_MQTT_URL has an invalid port.") from None
    return MqttTarget(
        host=parts.hostname or "127.0.0.1",
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=tls,
    )


def mqtt_url(configured: str | None) -> str | None:
    """The broker URL: the setting, else the environment (Settings may be cached)."""
    return configured or os.environ.get("JINGWU_MQTT_URL") or None
