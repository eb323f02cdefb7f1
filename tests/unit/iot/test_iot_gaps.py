"""Sequence gap detection: interval sets, batch reports, per-device boots."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.iot.gaps import (
    SeqError,
    SeqSet,
    SequenceTracker,
    apply_batch,
    merge_sequences,
    ranges_of,
)

seq_lists = st.lists(st.integers(0, 60), max_size=80)


def holes(members: set[int], origin: int | None = 0) -> list[tuple[int, int]]:
    """Reference model: missing runs between origin (or min) and max, by brute force."""
    if not members:
        return []
    lo = min(members) if origin is None else origin
    out: list[tuple[int, int]] = []
    start = None
    for q in range(lo, max(members) + 1):
        if q not in members and start is None:
            start = q
        elif q in members and start is not None:
            out.append((start, q - 1))
            start = None
    return out


@given(seq_lists)
def test_a_seqset_behaves_like_a_set_of_integers(seqs: list[int]) -> None:
    s, model = SeqSet(), set()
    for q in seqs:
        assert s.add(q) == (q not in model)
        model.add(q)
    assert set(s) == model
    assert s.count() == len(model)
    assert all((q in s) == (q in model) for q in range(-2, 64))
    rs = s.ranges()
    assert all(a <= b for a, b in rs)
    assert all(b + 1 < c for (_, b), (c, _) in itertools.pairwise(rs)), "disjoint, not adjacent"


@given(seq_lists, st.sampled_from([0, None]))
def test_gaps_are_exactly_the_missing_runs(seqs: list[int], origin: int | None) -> None:
    s = SeqSet()
    for q in seqs:
        s.add(q)
    assert s.gaps(origin) == holes(set(seqs), origin)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 10))))
def test_building_from_ranges_normalises_overlaps(pairs: list[tuple[int, int]]) -> None:
    ranges = [(a, a + n) for a, n in pairs]
    members = {q for a, b in ranges for q in range(a, b + 1)}
    s = SeqSet(ranges)
    assert set(s) == members
    assert s == SeqSet(ranges_of(members))


def test_in_order_traffic_stays_one_range() -> None:
    s = SeqSet()
    for q in range(10_000):
        s.add(q)
    assert s.ranges() == [(0, 9999)]
    assert s.first == 0 and s.last == 9999


def test_it_refuses_negative_or_non_integer_numbers() -> None:
    with pytest.raises(SeqError):
        SeqSet().add(-1)
    with pytest.raises(SeqError):
        SeqSet([(0, 1)]).add(2.0)  # type: ignore[arg-type]
    with pytest.raises(SeqError):
        SeqSet([(5, 3)])
    assert 1.0 not in SeqSet([(0, 3)])


def test_a_batch_reports_loss_duplicates_and_late_arrivals() -> None:
    seen = SeqSet([(0, 9)])
    u = apply_batch(seen, [10, 11, 15, 16, 11, 4])
    assert u.added == 4
    assert u.duplicates == (11, 4)
    assert u.opened == ((12, 14),)
    assert u.missing == ((12, 14),)
    assert u.filled == ()
    late = apply_batch(seen, [13, 12])
    assert late.filled == (13, 12)
    assert late.opened == ()
    assert late.missing == ((14, 14),)
    assert late.ranges == ((0, 13), (15, 16))


def test_the_first_message_of_a_boot_reveals_what_came_before_it() -> None:
    u = merge_sequences([], [5, 6])
    assert u.opened == ((0, 4),)
    assert merge_sequences([], [5, 6], origin=None).opened == ()


@given(seq_lists, seq_lists)
def test_a_batch_report_agrees_with_the_set_model(before: list[int], batch: list[int]) -> None:
    old = set(before)
    u = merge_sequences(ranges_of(before), batch)
    new = old | set(batch)
    assert u.missing == tuple(holes(new))
    assert set(u.duplicates) == {q for q in batch if q in old} | {
        q for i, q in enumerate(batch) if q in batch[:i]
    }
    assert u.added == len(new) - len(old)
    old_holes = {q for a, b in holes(old) for q in range(a, b + 1)}
    assert set(u.filled) == {q for q in set(batch) - old if q in old_holes}
    opened = {q for a, b in u.opened for q in range(a, b + 1)}
    missing = {q for a, b in u.missing for q in range(a, b + 1)}
    assert opened == missing - old_holes


def test_a_tracker_follows_boots_per_device() -> None:
    t = SequenceTracker()
    first = t.observe("d1", "boot-a", [0, 1, 2])
    assert first.new_boot and first.previous_boot is None
    again = t.observe("d1", "boot-a", [3, 5])
    assert not again.new_boot and again.previous_boot == "boot-a"
    assert again.update.opened == ((4, 4),)
    reboot = t.observe("d1", "boot-b", [0])
    assert reboot.new_boot and reboot.previous_boot == "boot-a"
    assert t.latest_boot("d1") == "boot-b"
    late = t.observe("d1", "boot-a", [4])  # a redelivery from before the reboot
    assert not late.new_boot and late.update.filled == (4,)
    assert t.missing("d1", "boot-a") == []
    assert t.latest_boot("d1") == "boot-b"
    assert len(t) == 1


def test_a_tracker_forgets_boots_beyond_the_ones_it_keeps() -> None:
    t = SequenceTracker(boots_kept=2)
    for boot in ("a", "b", "c"):
        t.observe("d", boot, [0])
    assert t.ranges("d", "a") == []
    assert t.ranges("d", "b") == [(0, 0)]
    assert t.observe("d", "a", [1]).new_boot


def test_a_tracker_restores_stored_ranges_after_a_restart() -> None:
    t = SequenceTracker()
    t.restore("d", "b1", [(0, 99), (150, 200)])
    u = t.observe("d", "b1", [201, 120]).update
    assert u.filled == (120,)
    assert u.missing == ((100, 119), (121, 149))
    assert t.missing("unknown", "b") == []


def test_a_tracker_needs_at_least_one_boot() -> None:
    with pytest.raises(SeqError):
        SequenceTracker(boots_kept=0)
