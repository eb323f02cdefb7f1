"""Parsing device files for ``jingwu iot devices import`` (pure): CSV, every problem by line.

Columns (header row required, order free): ``code``, ``station``, ``class``, ``lon``,
``lat`` (required), ``name``, ``model``, ``indoor_zone``, ``installed_on`` (YYYY-MM-DD),
``gateway`` (a gateway code) and ``credential`` (``yes``/``no``: issue the device its own
secret; ``no`` for a device only a gateway speaks for). Line numbers are those of the file.
A file that is not CSV at all raises :class:`jingwu.importfiles.MalformedFile` (exit 2).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from jingwu.importfiles import MalformedFile, csv_rows
from jingwu.iot.schemas import DeviceIn

__all__ = ["DeviceFileProblems", "MalformedFile", "parse_devices"]

REQUIRED = ("code", "station", "class", "lon", "lat")
COLUMNS = (*REQUIRED, "name", "model", "indoor_zone", "installed_on", "gateway", "credential")
_YES = {"yes", "y", "true", "1", "是"}
_NO = {"no", "n", "false", "0", "否"}


class DeviceFileProblems(ValueError):
    """Rows that cannot be imported: ``problems`` lists (line, reason), sorted by line."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = sorted(problems)
        first = self.problems[0]
        super().__init__(f"line {first[0]}: {first[1]} ({len(problems)} problem(s) in all)")


def _row(raw: dict[str, Any]) -> dict[str, Any]:
    row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
    out: dict[str, Any] = {k: v for k, v in row.items() if v}
    if "class" in out:
        out["device_class"] = out.pop("class")
    cred = out.pop("credential", "yes").lower()
    if cred not in _YES | _NO:
        raise ValueError(f"credential must be yes or no, not {cred!r}")
    out["own_credential"] = cred in _YES
    return out


def _message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "row"
    where = "class" if where == "device_class" else where
    return f"{where}: {str(err['msg']).removeprefix('Value error, ')}"


def parse_devices(text: str) -> list[tuple[int, DeviceIn]]:
    """(line, device) for every row; raises DeviceFileProblems listing every bad line."""
    fields, rows = csv_rows(text)
    header = [h.strip().lower() for h in fields]
    absent = [c for c in REQUIRED if c not in header]
    if absent:
        raise DeviceFileProblems([(1, f"missing column(s): {', '.join(absent)}")])
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise DeviceFileProblems([(1, f"unknown column(s): {', '.join(unknown)}")])
    problems: list[tuple[int, str]] = []
    devices: list[tuple[int, DeviceIn]] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue  # blank line
        try:
            dev = DeviceIn.model_validate(_row(raw))
        except ValidationError as exc:
            problems.append((line, _message(exc)))
            continue
        except ValueError as exc:
            problems.append((line, str(exc)))
            continue
        if dev.code in seen:
            problems.append(
                (line, f"device code {dev.code} appears twice (first on {seen[dev.code]})")
            )
            continue
        seen[dev.code] = line
        devices.append((line, dev))
    if problems:
        raise DeviceFileProblems(problems)
    if not devices:
        raise DeviceFileProblems([(1, "the file holds no devices")])
    return devices
