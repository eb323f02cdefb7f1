"""Open incident files (plain or gzip-compressed CSV) as text for the parser."""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from pathlib import Path

from jingwu.analytics.parse import IncidentFileError, ParseResult, parse_incidents


def read_incident_file(path: Path, *, column_map: Mapping[str, str] | None = None) -> ParseResult:
    """Parse a ``.csv`` or ``.csv.gz`` incident file (UTF-8, with or without a BOM)."""
    if not path.is_file():
        raise IncidentFileError(f"{path} is not a readable file")
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as text:
                return parse_incidents(text, column_map=column_map)
        with path.open(encoding="utf-8-sig", newline="") as plain:
            return parse_incidents(plain, column_map=column_map)
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise IncidentFileError(f"{path} cannot be read ({exc})") from None
