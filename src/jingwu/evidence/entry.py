"""Evidence log entries: the 12 categories and the canonical entry encoding (v1).

An entry is UTF-8 text, one ``name value`` line per field in a fixed order, each line
ending in LF, first line the format tag. Optional fields are left out when empty. It is
meant to be read by people and re-implemented in any language in 2076; docs/evidence.md
has the grammar. The log leaf hash is RFC 6962's hash of these bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jingwu.evidence.merkle import HASH_SIZE, leaf_hash

FORMAT = "jingwu-evidence-entry/v1"
MAX_CODE = 64
MAX_MEDIA_TYPE = 255
MAX_NOTE_CHARS = 2000
MAX_SIZE = (1 << 63) - 1
MAX_ENTRY_BYTES = 16384

CATEGORIES: dict[str, str] = {
    "interview_transcript": "interview transcript",
    "interrogation_transcript": "interrogation transcript",
    "scene_photo": "scene photo",
    "body_camera_video": "body-camera video",
    "surveillance_video": "surveillance video",
    "audio": "audio recording",
    "electronic_data": "electronic data",
    "documentary_evidence": "documentary evidence",
    "physical_evidence_photo": "physical-evidence photo",
    "expert_opinion": "expert opinion",
    "inspection_record": "inspection record",
    "mediation_agreement": "mediation agreement",
}
"""Stable identifier → the English message id of its name. Identifiers never change."""

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]*$")
_RESTRICTED_NAME = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
_MEDIA_TYPE = re.compile(rf"^{_RESTRICTED_NAME}/{_RESTRICTED_NAME}$")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
_HEX = re.compile(r"^[0-9a-f]{64}$")
_DECIMAL = re.compile(r"^(?:0|[1-9]\d{0,18})$")


class EntryError(ValueError):
    """An entry field is missing, malformed or too large; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def category_label(category: str) -> str:
    """The English message id of a category's name (the catalogues translate it)."""
    return CATEGORIES[category]


@dataclass(frozen=True)
class Entry:
    """One log entry: an evidence item (or a new version of one) and its content hash."""

    category: str
    item: str
    order: str
    sha256: bytes
    size: int
    media_type: str
    recorded_by: str
    recorded_at: datetime
    version: int = 1
    previous: bytes | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _validate(self)
        object.__setattr__(self, "recorded_at", self.recorded_at.astimezone(UTC))

    def encode(self) -> bytes:
        """Return the canonical bytes of this entry."""
        lines = [
            FORMAT,
            f"category {self.category}",
            f"item {self.item}",
            f"order {self.order}",
            f"sha256 {self.sha256.hex()}",
            f"size {self.size}",
            f"media-type {self.media_type}",
            f"recorded-by {self.recorded_by}",
            f"recorded-at {format_time(self.recorded_at)}",
            f"version {self.version}",
        ]
        if self.previous is not None:
            lines.append(f"previous {self.previous.hex()}")
        if self.note:
            lines.append(f"note {_escape(self.note)}")
        return ("\n".join(lines) + "\n").encode()

    def leaf_hash(self) -> bytes:
        """Return the RFC 6962 leaf hash of the canonical bytes."""
        return leaf_hash(self.encode())

    def to_json(self) -> dict[str, Any]:
        """Return the entry as a JSON object (hashes in lowercase hex)."""
        return {
            "format": FORMAT,
            "category": self.category,
            "item": self.item,
            "order": self.order,
            "sha256": self.sha256.hex(),
            "size": self.size,
            "media_type": self.media_type,
            "recorded_by": self.recorded_by,
            "recorded_at": format_time(self.recorded_at),
            "version": self.version,
            "previous": None if self.previous is None else self.previous.hex(),
            "note": self.note,
        }


def format_time(moment: datetime) -> str:
    """Return a UTC time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Parse the entry time format back into an aware UTC datetime."""
    if not _TIME.match(text):
        raise EntryError("recorded_at", f"{text!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        raise EntryError("recorded_at", f"{text!r} is not a real time") from None


def _escape(note: str) -> str:
    return note.replace("\\", "\\\\").replace("\n", "\\n")


def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        if nxt not in ("\\", "n"):
            raise EntryError("note", "holds a backslash not followed by \\ or n")
        out.append("\n" if nxt == "n" else "\\")
    return "".join(out)


def _validate(e: Entry) -> None:
    if e.category not in CATEGORIES:
        raise EntryError("category", f"{e.category!r} is not one of the 12 categories")
    for name, value in (("item", e.item), ("order", e.order), ("recorded_by", e.recorded_by)):
        if not isinstance(value, str) or not value or len(value) > MAX_CODE:
            raise EntryError(name, f"must be 1 to {MAX_CODE} characters")
        if not _CODE.match(value):
            raise EntryError(name, f"{value!r} holds characters other than A-Z a-z 0-9 . _ : @ / -")
    if not isinstance(e.sha256, bytes) or len(e.sha256) != HASH_SIZE:
        raise EntryError("sha256", "must be a 32-byte SHA-256 digest")
    if isinstance(e.size, bool) or not isinstance(e.size, int) or not 0 <= e.size <= MAX_SIZE:
        raise EntryError("size", "must be a whole number of bytes from 0 to 2^63−1")
    if len(e.media_type) > MAX_MEDIA_TYPE or not _MEDIA_TYPE.match(e.media_type):
        raise EntryError("media_type", f"{e.media_type!r} is not a type/subtype media type")
    if e.media_type != e.media_type.lower():
        raise EntryError("media_type", "must be lower case")
    _validate_time(e.recorded_at)
    _validate_version(e.version, e.previous)
    _validate_note(e.note)


def _validate_time(moment: datetime) -> None:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise EntryError("recorded_at", "must be a timezone-aware datetime")
    if not 1970 <= moment.astimezone(UTC).year <= 9999:
        raise EntryError("recorded_at", "must fall between 1970 and 9999")


def _validate_version(version: int, previous: bytes | None) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_SIZE:
        raise EntryError("version", "must be a whole number from 1")
    if (version == 1) != (previous is None):
        raise EntryError("previous", "is required for versions after 1 and only for them")
    if previous is not None and (not isinstance(previous, bytes) or len(previous) != HASH_SIZE):
        raise EntryError("previous", "must be the 32-byte leaf hash of the previous version")


def _validate_note(note: str) -> None:
    if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
        raise EntryError("note", f"must be text of at most {MAX_NOTE_CHARS} characters")
    if _CONTROL.search(note) or "\r" in note:
        raise EntryError("note", "holds a control character (only line feeds are allowed)")


_FIELDS = (
    "category",
    "item",
    "order",
    "sha256",
    "size",
    "media-type",
    "recorded-by",
    "recorded-at",
    "version",
)


def decode(data: bytes) -> Entry:
    """Parse canonical entry bytes; anything that would not re-encode identically fails."""
    if len(data) > MAX_ENTRY_BYTES:
        raise EntryError("entry", f"is larger than {MAX_ENTRY_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EntryError("entry", "is not valid UTF-8") from None
    if not text.endswith("\n"):
        raise EntryError("entry", "does not end with a line feed")
    lines = text[:-1].split("\n")
    if lines[0] != FORMAT:
        raise EntryError("entry", f"does not start with {FORMAT}")
    values: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(" ")
        if not sep or name in values:
            raise EntryError("entry", f"line {line[:40]!r} is not a new 'name value' line")
        values[name] = value
    entry = _from_values(values)
    if entry.encode() != data:
        raise EntryError("entry", "is not in canonical form (field order or spelling)")
    return entry


def _from_values(values: dict[str, str]) -> Entry:
    known = {*_FIELDS, "previous", "note"}
    if not set(_FIELDS) <= values.keys() <= known:
        raise EntryError("entry", f"fields must be {', '.join(_FIELDS)} [previous] [note]")
    previous = values.get("previous")
    return Entry(
        category=values["category"],
        item=values["item"],
        order=values["order"],
        sha256=_hex(values["sha256"], "sha256"),
        size=_int(values["size"], "size"),
        media_type=values["media-type"],
        recorded_by=values["recorded-by"],
        recorded_at=parse_time(values["recorded-at"]),
        version=_int(values["version"], "version"),
        previous=None if previous is None else _hex(previous, "previous"),
        note=_unescape(values.get("note", "")),
    )


def from_json(data: Any) -> Entry:
    """Build an entry from its JSON object, strictly (exact keys, exact types)."""
    if not isinstance(data, dict):
        raise EntryError("entry", "must be a JSON object")
    keys = {"format", "category", "item", "order", "sha256", "size", "media_type"}
    keys |= {"recorded_by", "recorded_at", "version", "previous", "note"}
    if set(data) != keys or data["format"] != FORMAT:
        raise EntryError("entry", f"must have exactly the fields of {FORMAT}")
    text_fields = ("category", "item", "order", "media_type", "recorded_by", "note")
    for name in (*text_fields, "sha256", "recorded_at"):
        if not isinstance(data[name], str):
            raise EntryError(name, "must be a string")
    previous = data["previous"]
    if previous is not None and not isinstance(previous, str):
        raise EntryError("previous", "must be a hex string or null")
    return Entry(
        category=data["category"],
        item=data["item"],
        order=data["order"],
        sha256=_hex(data["sha256"], "sha256"),
        size=data["size"],
        media_type=data["media_type"],
        recorded_by=data["recorded_by"],
        recorded_at=parse_time(data["recorded_at"]),
        version=data["version"],
        previous=None if previous is None else _hex(previous, "previous"),
        note=data["note"],
    )


def _hex(text: str, field: str) -> bytes:
    if not _HEX.match(text):
        raise EntryError(field, "must be 64 lowercase hex digits")
    return bytes.fromhex(text)


def _int(text: str, field: str) -> int:
    if not _DECIMAL.match(text):
        raise EntryError(field, f"{text!r} is not a decimal number without leading zeros")
    return int(text)
