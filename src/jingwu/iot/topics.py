"""MQTT topic layout: ``jingwu/v1/{station}/{device}/{telemetry|event|status}`` (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

TOPIC_PREFIX = "jingwu/v1"
SHARE_GROUP = "jingwu"
# Every device topic; the ingester workers subscribe to it through one shared group so the
# broker splits the traffic between them.
ALL_DEVICES_FILTER = f"{TOPIC_PREFIX}/+/+/+"
SHARED_SUBSCRIPTION = f"$share/{SHARE_GROUP}/{ALL_DEVICES_FILTER}"

# Station and device codes become topic levels, broker usernames and ACL lines, so they are
# restricted to characters that are inert in all three (no /, +, #, $, spaces or colons).
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"
_CODE_RE = re.compile(CODE_PATTERN)


class Channel(StrEnum):
    """The last topic level: what kind of message the device sends."""

    TELEMETRY = "telemetry"
    EVENT = "event"
    STATUS = "status"


_CHANNELS: dict[str, Channel] = {c.value: c for c in Channel}


class TopicError(ValueError):
    """A topic that does not follow the Jingwu layout."""


@dataclass(frozen=True, slots=True)
class Topic:
    """A parsed device topic."""

    station: str
    device: str
    channel: Channel

    def __str__(self) -> str:
        return f"{TOPIC_PREFIX}/{self.station}/{self.device}/{self.channel.value}"


def is_code(value: str) -> bool:
    """True when the value may be used as a station or device code."""
    return _CODE_RE.fullmatch(value) is not None


def check_code(value: str, what: str = "code") -> str:
    """Return the value if it is a valid station/device code, else raise TopicError."""
    if not is_code(value):
        raise TopicError(
            f"{what} {value!r} must be 1-64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
    return value


def parse_topic(topic: str) -> Topic:
    """Parse a device topic, raising TopicError that says which part is wrong."""
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != "jingwu" or parts[1] != "v1":
        raise TopicError(
            f"topic {topic!r} is not of the form {TOPIC_PREFIX}/<station>/<device>/<channel>"
        )
    channel = _CHANNELS.get(parts[4])
    if channel is None:
        choices = ", ".join(_CHANNELS)
        raise TopicError(f"topic {topic!r} has unknown channel {parts[4]!r}; expected {choices}")
    return Topic(
        station=check_code(parts[2], "station code"),
        device=check_code(parts[3], "device code"),
        channel=channel,
    )


def build_topic(station: str, device: str, channel: Channel | str) -> str:
    """The topic a device publishes one kind of message on."""
    ch = _CHANNELS.get(str(channel))
    if ch is None:
        raise TopicError(f"unknown channel {channel!r}")
    return str(Topic(check_code(station, "station code"), check_code(device, "device code"), ch))


def device_filter(station: str, device: str) -> str:
    """The topic filter covering all of one device's topics (used in the broker ACL)."""
    check_code(station, "station code")
    check_code(device, "device code")
    return f"{TOPIC_PREFIX}/{station}/{device}/#"


def station_filter(station: str) -> str:
    """The topic filter covering every device of one station."""
    return f"{TOPIC_PREFIX}/{check_code(station, 'station code')}/+/+"
