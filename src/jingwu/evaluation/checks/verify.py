"""Verifying a draw from what was published and what the evidence log holds.

In order, and the first thing that differs is the answer:

1. the draw has been drawn, and its revealed seed hashes to the published commitment;
2. the commitment document rebuilt from the stored draw hashes to the logged entry (version
   1 of the draw's evidence item), whose inclusion proof verifies against the latest signed
   checkpoint (signed by the log's keys), at the log index stored with the draw;
3. the commitment was in the log before the draw: before the drawn record's entry, and for
   draws whose pool fills during a month (orders, orange orders) before that month began;
4. re-running the pure draw from the published inputs (pools, checked targets, quota,
   team, seed) gives exactly the published pairs — for orange draws also the work orders'
   published samples;
5. the record document rebuilt from the stored draw hashes to the logged version 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError
from jingwu.evaluation.checks import draws as core
from jingwu.evaluation.checks import ledger, orange
from jingwu.evaluation.checks.documents import digest
from jingwu.evaluation.checks.models import CheckDraw
from jingwu.evaluation.checks.periods import month_bounds
from jingwu.evaluation.checks.pools import Kind, Purpose
from jingwu.evaluation.checks.service import get_draw
from jingwu.evidence import proofs
from jingwu.evidence.checkpoint import CheckpointError, open_checkpoint
from jingwu.evidence.keys import NoteError
from jingwu.evidence.logkeys import LogKeys
from jingwu.org.models import Unit
from jingwu.workorders.models import Draw


@dataclass(frozen=True)
class Verdict:
    """Whether a draw verifies, and one sentence (a message id and its parameters) saying so."""

    ok: bool
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def sentence(self, gettext: Callable[[str], str] = str) -> str:
        """The sentence in the language of ``gettext``."""
        return gettext(self.message).format(**self.params)


class _Differs(Exception):
    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.verdict = Verdict(False, message, params)


def verify_draw(
    session: Session, principal: Principal, *, code: str, keys: LogKeys | None
) -> Verdict:
    """Re-run and check the draw ``code`` (NotFound outside the scope)."""
    row = get_draw(session, principal, code=code)
    try:
        return _verify(session, principal, row, keys)
    except _Differs as exc:
        return exc.verdict


def _verify(
    session: Session, principal: Principal, row: CheckDraw, keys: LogKeys | None
) -> Verdict:
    if row.drawn_at is None:
        raise _Differs("The draw {code} has not been drawn yet.", code=row.code)
    wo = session.get(Draw, row.wo_draw_id) if row.wo_draw_id is not None else None
    seed = wo.seed if wo is not None else row.seed
    if not seed or not core.seed_matches(seed, row.commitment):
        raise _Differs("The revealed seed does not hash to the published commitment.")
    if wo is not None and wo.commitment != row.commitment:
        raise _Differs("The work orders' commitment differs from the logged one.")
    unit = session.get(Unit, row.unit_id)
    assert unit is not None
    commit_doc = ledger.commitment_doc(row, unit.short_code).encode()
    first = _logged(session, principal, row, 1, commit_doc, keys, "commitment")
    if row.commit_log_index != first.index:
        raise _Differs(
            "The log index stored with the draw ({stored}) is not the commitment's ({index}).",
            stored=row.commit_log_index,
            index=first.index,
        )
    _logged_in_time(row, first)
    count = _rerun(row, seed, wo)
    record = _logged(
        session, principal, row, 2, ledger.record_doc(row, seed).encode(), keys, "record"
    )
    if record.index <= first.index or row.record_log_index != record.index:
        raise _Differs("The draw's record is not logged after its commitment.")
    return Verdict(
        True,
        "Draw {code} verifies: its commitment is in the evidence log at index {index}, before "
        "the draw, and re-running it from the published inputs gives the published {count} "
        "pair(s).",
        {"code": row.code, "index": first.index, "count": count},
    )


_TEXTS = {
    "commitment": (
        "The draw's commitment is not yet covered by a signed checkpoint of the evidence log.",
        "The published commitment of the draw does not match the one in the evidence log.",
        "The commitment's inclusion proof does not verify: {problem}.",
    ),
    "record": (
        "The draw's record is not yet covered by a signed checkpoint of the evidence log.",
        "The published record of the draw does not match the one in the evidence log.",
        "The record's inclusion proof does not verify: {problem}.",
    ),
}


def _logged(
    session: Session,
    principal: Principal,
    row: CheckDraw,
    version: int,
    document: bytes,
    keys: LogKeys | None,
    what: str,
) -> proofs.Inclusion:
    unsigned, differs, unproven = _TEXTS[what]
    try:
        found = proofs.inclusion(session, principal, item_code=row.evidence_item, version=version)
    except DomainError:
        raise _Differs(unsigned) from None
    if found.entry.sha256 != digest(document) or found.entry.order != row.code:
        raise _Differs(differs)
    problem = proofs.verify_inclusion(found)
    if problem is not None:
        raise _Differs(unproven, problem=problem)
    if keys is not None:
        _signed(found, keys)
    return found


def _signed(found: proofs.Inclusion, keys: LogKeys) -> None:
    try:
        checkpoint, _ = open_checkpoint(found.checkpoint_note, keys.origin, keys.verifiers)
    except (CheckpointError, NoteError) as exc:
        raise _Differs("The log's checkpoint does not open: {problem}.", problem=str(exc)) from None
    if checkpoint.size != found.size or checkpoint.root != found.root:
        raise _Differs("The log's signed checkpoint is not the one the proof was made for.")


def _logged_in_time(row: CheckDraw, first: proofs.Inclusion) -> None:
    logged_at = first.entry.recorded_at
    assert row.drawn_at is not None
    if logged_at > row.drawn_at:
        raise _Differs("The commitment was logged only after the draw.")
    if row.kind != Kind.STATION and logged_at >= month_bounds(row.period)[0]:
        raise _Differs("The commitment was logged only after {month} had begun.", month=row.period)


def _rerun(row: CheckDraw, seed: str, wo: Draw | None) -> int:
    stored = ledger.pairs_of(row.pairs)
    if wo is None:
        result = core.draw(
            seed,
            targets=[str(t) for t in row.targets or []],
            inspectors=row.inspectors,
            quota=core.Quota.parse(row.quota),
            team=row.team,
            checked=[str(t) for t in row.checked or []],
        )
        if list(result.pairs) != stored.get(Purpose.TARGET, []):
            raise _Differs("Re-running the draw gives other pairs than the published ones.")
        return len(result.pairs)
    samples = orange.quota_samples(seed, [str(c) for c in wo.codes or []])
    published = {
        Purpose.REINSPECTION: tuple(str(c) for c in wo.reinspection or []),
        Purpose.HOME_VISIT: tuple(str(c) for c in wo.home_visit or []),
    }
    if samples != published or [str(c) for c in wo.codes or []] != row.targets:
        raise _Differs("Re-running the quota draw gives other samples than the published ones.")
    count = 0
    for purpose, chosen in samples.items():
        pairs = core.assign(seed, chosen, row.inspectors, team=row.team, purpose=purpose)
        if list(pairs) != stored.get(purpose, []):
            raise _Differs("Re-running the draw gives other pairs than the published ones.")
        count += len(pairs)
    return count
