"""The two documents of a draw that go into the evidence log, as canonical text (pure).

Before the draw, the **commitment** (``jingwu-draw-commitment/v1``): which draw, of what,
where, when, the quota, the team size, the inspector pool and the SHA-256 of the secret
seed. After it, the **record** (``jingwu-draw-record/v1``): the commitment again, the
revealed seed, the target pool as it stood, the targets already checked this year, and
the pairs drawn for each purpose. The evidence log holds each document's SHA-256 (an entry
whose content stays here), so changing any stored input or result afterwards changes the
document's hash and no longer matches the log.

Each document is UTF-8 text, one ``name value`` line per field in this order, LF line ends;
lists are comma-separated, sorted where their order carries no meaning; a pair reads
``target=inspector+inspector``. Times are UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from jingwu.errors import Invalid
from jingwu.evaluation.checks.draws import Pair

COMMITMENT_FORMAT = "jingwu-draw-commitment/v1"
RECORD_FORMAT = "jingwu-draw-record/v1"
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@/-]{0,63}$")


@dataclass(frozen=True, slots=True)
class CommitmentDoc:
    """What is fixed and published before the draw."""

    code: str
    kind: str
    unit: str
    period: str
    quota: str
    team: int
    inspectors: tuple[str, ...]
    commitment: str
    committed_at: dt.datetime

    def encode(self) -> bytes:
        """The canonical bytes."""
        return _lines(
            COMMITMENT_FORMAT,
            ("draw", _code(self.code)),
            ("kind", _code(self.kind)),
            ("unit", _code(self.unit)),
            ("period", _code(self.period)),
            ("quota", self.quota),
            ("team", str(self.team)),
            ("inspectors", _list(sorted(self.inspectors))),
            ("commitment", self.commitment),
            ("committed-at", utc_text(self.committed_at)),
        )


@dataclass(frozen=True, slots=True)
class RecordDoc:
    """What the draw used and gave, published after it."""

    code: str
    commitment: str
    seed: str
    targets: tuple[str, ...]
    checked: tuple[str, ...]
    pairs: Mapping[str, Sequence[Pair]]  # purpose → pairs in draw order
    drawn_at: dt.datetime

    def encode(self) -> bytes:
        """The canonical bytes."""
        fields = [
            ("draw", _code(self.code)),
            ("commitment", self.commitment),
            ("seed", self.seed),
            ("targets", _list(sorted(self.targets))),
            ("checked", _list(sorted(self.checked))),
        ]
        fields += [("pairs", _pairs(p, self.pairs[p])) for p in sorted(self.pairs)]
        fields.append(("drawn-at", utc_text(self.drawn_at)))
        return _lines(RECORD_FORMAT, *fields)


def digest(document: bytes) -> bytes:
    """The SHA-256 of a document (what the evidence log holds)."""
    return hashlib.sha256(document).digest()


def utc_text(moment: dt.datetime) -> str:
    """A time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC)."""
    if moment.tzinfo is None:
        raise Invalid("A time needs its time zone.")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _code(value: str) -> str:
    if not _CODE.match(value):
        raise Invalid("The code {code} cannot appear in a draw document.", params={"code": value})
    return value


def _list(values: Iterable[str]) -> str:
    return ",".join(_code(v) for v in values)


def _pairs(purpose: str, pairs: Sequence[Pair]) -> str:
    body = ",".join(f"{_code(p.target)}={'+'.join(_code(i) for i in p.inspectors)}" for p in pairs)
    return f"{_code(purpose)}:{body}"


def _lines(tag: str, *fields: tuple[str, str]) -> bytes:
    text = "\n".join([tag, *(f"{name} {value}" for name, value in fields)]) + "\n"
    if any("\n" in value or "\r" in value for _, value in fields):
        raise Invalid("A draw document field cannot hold a line break.")
    return text.encode()
