"""Reading a rollout plan file (pure): CSV or JSON rows with their line numbers.

Columns (CSV header, or keys of each JSON object): ``phase`` (``2025`` or ``2025-H2``),
``street`` (the street's short code), ``target`` (demonstration stations in that phase) and
``stations`` (optional: the stations named for it, short codes separated by ``|``; a JSON
list works too). A JSON plan is an array of such objects (or ``{"rows": [...]}``); its line
numbers are where each object starts. Problems are collected for every row, so one run
names them all; :class:`MalformedFile` means the file is not CSV or JSON at all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from jingwu.importfiles import MalformedFile, csv_rows, has_nul
from jingwu.rollout.plan import parse_phase

COLUMNS = ("phase", "street", "target", "stations")
REQUIRED = ("phase", "street", "target")
MAX_TARGET = 10_000
MAX_ROWS = 20_000
_CODE = re.compile(r"^[A-Z]{1,4}\d{1,4}$")
# English message ids of the problems a row can have (the catalogue translates them).
PROBLEM_MESSAGES = {
    "phase": "not a phase (a year like 2025 or a half-year like 2025-H2)",
    "street_code": "not a unit short code",
    "target": "not a whole number from 0 to 10000",
    "station_code": "a station is not a unit short code",
    "object": "not an object with phase, street and target",
    "missing": "phase, street or target is missing",
}


@dataclass(frozen=True)
class PlanRow:
    """One row of a plan file, checked for form (the units are the service's business)."""

    line: int
    phase: str
    street: str
    target: int
    stations: tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    """What is wrong with the row on ``line``: a message id, and the value it is about."""

    line: int
    reason: str
    value: str = ""


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedFile(1, "the file is not UTF-8 text") from None


def _stations(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list):
        parts = value
    elif isinstance(value, str):
        parts = [p for p in re.split(r"[|;]", value) if p.strip()]
    else:
        return None
    if not all(isinstance(p, str) for p in parts):
        return None
    return [p.strip().upper() for p in parts]


def check_row(line: int, raw: dict[str, Any]) -> PlanRow | Problem:
    """The row as a :class:`PlanRow`, or its first problem of form."""
    if any(raw.get(k) in (None, "") for k in REQUIRED):
        return Problem(line, "missing")
    phase, street, target = (str(raw[k]).strip() for k in REQUIRED)
    try:
        parse_phase(phase)
    except ValueError:
        return Problem(line, "phase", phase)
    street = street.upper()
    if not _CODE.match(street):
        return Problem(line, "street_code", street)
    if isinstance(raw["target"], bool) or not re.fullmatch(r"\d{1,5}", target):
        return Problem(line, "target", target)
    if int(target) > MAX_TARGET:
        return Problem(line, "target", target)
    stations = _stations(raw.get("stations"))
    if stations is None or any(not _CODE.match(s) for s in stations):
        return Problem(line, "station_code", str(raw.get("stations")))
    return PlanRow(line, phase, street, int(target), tuple(stations))


def _json_objects(text: str) -> list[tuple[int, Any]]:
    """The array's items with the line each starts on (``{"rows": [...]}`` also works)."""
    if "\x00" in text:
        raise MalformedFile(text.count("\n", 0, text.find("\x00")) + 1, "the file holds a NUL")
    decoder = json.JSONDecoder()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedFile(exc.lineno, f"not JSON: {exc.msg}") from None
    except RecursionError:
        raise MalformedFile(1, "JSON nested far more deeply than any plan") from None
    if has_nul(doc):
        raise MalformedFile(1, "the file holds a NUL character")
    start = 0
    if isinstance(doc, dict) and isinstance(doc.get("rows"), list):
        start = text.index("[", text.index('"rows"'))
        doc = doc["rows"]
    elif isinstance(doc, list):
        start = text.index("[")
    else:
        raise MalformedFile(1, "a JSON plan is an array of rows")
    out: list[tuple[int, Any]] = []
    at = start + 1
    for _ in doc:  # the document parsed, so each item decodes in turn
        while text[at] in " \t\r\n,":
            at += 1
        item, end = decoder.raw_decode(text, at)
        out.append((text.count("\n", 0, at) + 1, item))
        at = end
    return out


def read(content: bytes, *, is_json: bool) -> tuple[list[PlanRow], list[Problem]]:
    """Every row of the file and the problems of form; MalformedFile when it is not a file
    of that kind at all, or holds more than :data:`MAX_ROWS` rows."""
    text = _text(content)
    if is_json:
        items = _json_objects(text)
    else:
        header, rows = csv_rows(text)
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise MalformedFile(1, "the header lacks " + ", ".join(missing))
        items = list(rows)
    if len(items) > MAX_ROWS:
        raise MalformedFile(1, f"more than {MAX_ROWS} rows")
    good: list[PlanRow] = []
    problems: list[Problem] = []
    for line, raw in items:
        found = check_row(line, raw) if isinstance(raw, dict) else Problem(line, "object")
        if isinstance(found, PlanRow):
            good.append(found)
        else:
            problems.append(found)
    return good, problems
