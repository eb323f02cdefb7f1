"""The published dataset, built from raw figures (pure: no database, no clock).

Per community and month:

* ``received`` / ``closed``: a table of requests, category (rows) by tier (columns red,
  orange, yellow), published with its totals (category ``all`` or tier ``all``), suppressed
  by :mod:`jingwu.sunshine.suppress` (k = 5). The tables of different communities, months
  and measures share no published total, so each is protected on its own.
* ``response_median_minutes`` / ``completion_median_minutes``: medians over at least k
  orders, else withheld.
* ``satisfaction_mean`` (1..5) and ``satisfaction_count``: over at least k ratings.
* ``mediations``: agreed / failed / open and the total, a one-row table suppressed as above.
* index values (``kpi.*``, ``safety``) stored by the evaluation domain: aggregates already.

Withheld cells are left out entirely (not written as blanks). A community's month with no
request at all has its ``received`` and ``closed`` totals published as 0 (zero reveals no
one), so the pages can tell "none" from "withheld". No free text, no personal
data; places are the community's name and its station's point rounded to a 0.01° grid.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jingwu.sunshine.suppress import K, suppress

TIERS = ("red", "orange", "yellow")
OUTCOMES = ("agreed", "failed", "open")
ALL = "all"
GRID = 0.01  # degrees: about 1 km
COLUMNS = ("community", "month", "measure", "category", "tier", "value")
FORMAT = "jingwu-sunshine/1"

Key = tuple[str, str]  # (community code, month)


@dataclass(frozen=True)
class Place:
    """A community as published: code, names, coarse point."""

    code: str
    name: str
    name_en: str
    lat: float | None
    lon: float | None


@dataclass
class Raw:
    """What the intranet read, before any suppression."""

    months: list[str]
    places: list[Place]
    categories: dict[str, tuple[str, str]]  # code -> (zh, en)
    requests: dict[tuple[str, str, str], dict[tuple[str, str], int]] = field(default_factory=dict)
    durations: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    ratings: dict[Key, list[int]] = field(default_factory=dict)
    mediations: dict[Key, dict[str, int]] = field(default_factory=dict)
    indices: dict[tuple[str, str, str], float] = field(default_factory=dict)
    draws: list[dict[str, str]] = field(default_factory=list)


Row = tuple[str, str, str, str, str, float]


@dataclass(frozen=True)
class Dataset:
    """The figures to publish and how many were withheld."""

    rows: list[Row]
    withheld: int
    content: dict[str, Any]  # everything but the version and the time

    @property
    def content_sha256(self) -> str:
        """Hash of the figures alone: equal hashes, nothing new to publish."""
        return sha256_hex(canonical_json(self.content))


def snap(value: float | None) -> float | None:
    """A coordinate on the coarse grid."""
    return None if value is None else round(round(value / GRID) * GRID, 2)


def _table_rows(
    key: Key, measure: str, counts: Mapping[tuple[str, str], int], k: int
) -> tuple[list[Row], int]:
    categories = sorted({c for c, _ in counts})
    table = [[counts.get((c, t), 0) for t in TIERS] for c in categories]
    s = suppress(table, k=k)
    names = [*categories, ALL]
    tiers = [*TIERS, ALL]
    rows: list[Row] = []
    for i, line in enumerate(s.published()):
        for j, value in enumerate(line):
            if value is not None:
                rows.append((key[0], key[1], measure, names[i], tiers[j], float(value)))
    return rows, len(s.hidden)


def _mediation_rows(key: Key, counts: Mapping[str, int], k: int) -> tuple[list[Row], int]:
    s = suppress([[counts.get(o, 0) for o in OUTCOMES]], k=k)
    first = s.published()[0]  # the column totals repeat the one row: publish it once
    rows = [
        (key[0], key[1], "mediations", ALL, outcome, float(v))
        for outcome, v in zip((*OUTCOMES, ALL), first, strict=True)
        if v is not None
    ]
    return rows, sum(1 for v in first if v is None)


def _small_sample(key: Key, measure: str, values: Sequence[float], k: int) -> list[Row]:
    if len(values) < k:
        return []
    return [(key[0], key[1], measure, ALL, ALL, round(statistics.median(values), 1))]


FROZEN_MEASURES = frozenset(
    {
        "received",
        "closed",
        "response_median_minutes",
        "completion_median_minutes",
        "satisfaction_mean",
        "satisfaction_count",
        "mediations",
    }
)
Frozen = Mapping[str, tuple[list[Row], int]]  # month -> (its count rows, withheld count)


def frozen_part(document: Mapping[str, Any]) -> dict[str, tuple[list[Row], int]]:
    """The count figures of each month of a published document, to carry over unchanged."""
    out: dict[str, tuple[list[Row], int]] = {
        m: ([], int(n)) for m, n in document.get("withheld_by_month", {}).items()
    }
    for m in document.get("months", []):
        out.setdefault(m, ([], 0))
    for r in document.get("rows", []):
        if r[2] in FROZEN_MEASURES and r[1] in out:
            out[r[1]][0].append((r[0], r[1], r[2], r[3], r[4], float(r[5])))
    return out


def _zero_rows(raw: Raw, frozen: set[str]) -> list[Row]:
    """No request at all is a published 0, not a missing (withheld-looking) figure."""
    return [
        (place.code, month, measure, ALL, ALL, 0.0)
        for month in raw.months
        if month not in frozen
        for place in raw.places
        for measure in ("received", "closed")
        if not raw.requests.get((place.code, month, measure))
    ]


def _count_rows(raw: Raw, k: int, frozen: set[str], withheld: dict[str, int]) -> list[Row]:
    """The count figures of the months not frozen, suppressed; ``withheld`` counts per month."""
    rows: list[Row] = []
    for (community, month, measure), counts in raw.requests.items():
        if month not in frozen:
            found, hidden = _table_rows((community, month), measure, counts, k)
            rows += found
            withheld[month] += hidden
    rows += _zero_rows(raw, frozen)
    for (community, month, measure), values in raw.durations.items():
        if month not in frozen:
            found = _small_sample((community, month), measure, values, k)
            rows += found
            withheld[month] += not found and bool(values)
    for key, ratings in raw.ratings.items():
        if key[1] in frozen:
            continue
        if len(ratings) >= k:
            rows.append((*key, "satisfaction_mean", ALL, ALL, round(statistics.mean(ratings), 2)))
            rows.append((*key, "satisfaction_count", ALL, ALL, float(len(ratings))))
        elif ratings:
            withheld[key[1]] += 2
    for key, outcomes in raw.mediations.items():
        if key[1] not in frozen:
            found, hidden = _mediation_rows(key, outcomes, k)
            rows += found
            withheld[key[1]] += hidden
    return rows


def _latest_first(d: Mapping[str, str]) -> tuple[str, bool]:
    return d.get("recorded_at", ""), d.get("status") != "pending"


def one_per_target(draws: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """Each target once per draw, with its latest result. A draw lists a target once per
    purpose (an order drawn for a re-inspection and a home visit has two results); the
    public sees the one recorded last (by ``recorded_at`` when given, else a recorded
    result over a pending one, else the later line). ``recorded_at`` is not published."""
    best: dict[tuple[str, str], Mapping[str, str]] = {}
    for d in draws:
        key = (d["draw"], d["target"])
        if key not in best or _latest_first(d) >= _latest_first(best[key]):
            best[key] = d
    return [{k: v for k, v in d.items() if k != "recorded_at"} for d in best.values()]


def build(raw: Raw, *, k: int = K, frozen: Frozen | None = None) -> Dataset:
    """Suppress and lay out the raw figures as published rows (sorted, canonical).

    The count figures of the months in ``frozen`` are taken from there unchanged (as first
    published), not from ``raw``: a month's table is suppressed once, so versions cannot be
    compared to undo a suppression."""
    frozen = {m: v for m, v in (frozen or {}).items() if m in raw.months}
    withheld: dict[str, int] = dict.fromkeys(raw.months, 0)
    rows = _count_rows(raw, k, set(frozen), withheld)
    for month, (carried, hidden) in frozen.items():
        rows += carried
        withheld[month] = hidden
    for (community, month, index), value in raw.indices.items():
        rows.append((community, month, index, ALL, ALL, round(value, 2)))
    rows.sort()
    content = {
        "format": FORMAT,
        "k": k,
        "months": list(raw.months),
        "places": [
            {
                "code": p.code,
                "name": p.name,
                "name_en": p.name_en,
                "lat": snap(p.lat),
                "lon": snap(p.lon),
            }
            for p in sorted(raw.places, key=lambda p: p.code)
        ],
        "categories": {c: {"zh": zh, "en": en} for c, (zh, en) in sorted(raw.categories.items())},
        "draws": sorted(one_per_target(raw.draws), key=lambda d: (d["draw"], d["target"])),
        "columns": list(COLUMNS),
        "rows": [list(r) for r in rows],
        "withheld": sum(withheld.values()),
        "withheld_by_month": dict(sorted(withheld.items())),
    }
    return Dataset(rows, sum(withheld.values()), content)


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: one byte string per document."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_hex(body: bytes) -> str:
    """SHA-256 of ``body`` in hex."""
    return hashlib.sha256(body).hexdigest()


def csv_body(rows: Sequence[Row]) -> bytes:
    """The rows as CSV (header first, ``\\n`` line ends, UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([*r[:5], _number(r[5])])
    return out.getvalue().encode()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def document(dataset: Dataset, *, version: int, published_at: str, csv_sha256: str) -> bytes:
    """The canonical JSON of a version: the content with its number, time and CSV hash."""
    return canonical_json(
        {
            **dataset.content,
            "version": version,
            "published_at": published_at,
            "csv_sha256": csv_sha256,
        }
    )
