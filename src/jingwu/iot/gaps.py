"""Sequence gap detection per (device, boot): loss made visible, duplicates counted (pure).

Each device numbers its telemetry and event messages 0, 1, 2, ... from every boot. The
sequence numbers seen for one boot are kept as an interval set (sorted, disjoint, inclusive
ranges), which for a healthy device is a single range: two integers, whatever the traffic.
Holes in the set between the boot's origin (0) and the highest number seen are missing
messages. A hole may be transient (a late QoS 1 redelivery, another worker's batch not yet
committed), so callers evaluate gaps over settled data and watch ``filled``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass

Range = tuple[int, int]  # inclusive: (3, 5) is 3, 4, 5


class SeqError(ValueError):
    """A sequence number or range that cannot be valid (negative, reversed, not an integer)."""


def _check(seq: int) -> int:
    if type(seq) is not int or seq < 0:
        raise SeqError(f"sequence number {seq!r} must be a non-negative integer")
    return seq


class SeqSet:
    """A set of non-negative integers stored as flat range bounds ``[s0, e0, s1, e1, ...]``."""

    __slots__ = ("_b",)

    def __init__(self, ranges: Iterable[Range] = ()) -> None:
        self._b: list[int] = []
        for start, end in sorted((_check(s), _check(e)) for s, e in ranges):
            if start > end:
                raise SeqError(f"range ({start}, {end}) ends before it starts")
            if self._b and start <= self._b[-1] + 1:
                self._b[-1] = max(self._b[-1], end)
            else:
                self._b += (start, end)

    def add(self, seq: int) -> bool:
        """Add one number; False when it was already present (a duplicate)."""
        if type(seq) is not int or seq < 0:
            _check(seq)
        b = self._b
        if b and seq == b[-1] + 1:  # the common case: the next message in order
            b[-1] = seq
            return True
        i = bisect_right(b, seq)
        if i % 2 == 1 or (i > 0 and b[i - 1] == seq):
            return False
        joins_left = i > 0 and b[i - 1] == seq - 1
        joins_right = i < len(b) and b[i] == seq + 1
        if joins_left and joins_right:
            del b[i - 1 : i + 1]
        elif joins_left:
            b[i - 1] = seq
        elif joins_right:
            b[i] = seq
        else:
            b[i:i] = (seq, seq)
        return True

    def __contains__(self, seq: object) -> bool:
        if type(seq) is not int:
            return False
        i = bisect_right(self._b, seq)
        return i % 2 == 1 or (i > 0 and self._b[i - 1] == seq)

    def __bool__(self) -> bool:
        return bool(self._b)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SeqSet) and self._b == other._b

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"SeqSet({self.ranges()!r})"

    def __iter__(self) -> Iterator[int]:
        for k in range(0, len(self._b), 2):
            yield from range(self._b[k], self._b[k + 1] + 1)

    @property
    def first(self) -> int | None:
        """The lowest number present."""
        return self._b[0] if self._b else None

    @property
    def last(self) -> int | None:
        """The highest number present."""
        return self._b[-1] if self._b else None

    def count(self) -> int:
        """How many numbers the set holds."""
        b = self._b
        return sum(b[k + 1] - b[k] + 1 for k in range(0, len(b), 2))

    def ranges(self) -> list[Range]:
        """The ranges, lowest first (the form to store)."""
        b = self._b
        return [(b[k], b[k + 1]) for k in range(0, len(b), 2)]

    def gaps(self, origin: int | None = 0) -> list[Range]:
        """Missing ranges from ``origin`` (or the lowest number seen, if None) to the highest."""
        b = self._b
        if not b:
            return []
        out: list[Range] = []
        if origin is not None and b[0] > origin:
            out.append((origin, b[0] - 1))
        out.extend((b[k] + 1, b[k + 1] - 1) for k in range(1, len(b) - 1, 2))
        return out

    def merge_ranges(self, ranges: Iterable[Range]) -> None:
        """Union other ranges into this set."""
        self._b = SeqSet([*self.ranges(), *ranges])._b

    def copy(self) -> SeqSet:
        """An independent copy."""
        new = SeqSet()
        new._b = self._b.copy()
        return new


def ranges_of(seqs: Iterable[int]) -> list[Range]:
    """Compress sequence numbers (any order, repeats allowed) into ranges."""
    s = SeqSet()
    for q in seqs:
        s.add(q)
    return s.ranges()


@dataclass(frozen=True, slots=True)
class SeqUpdate:
    """What adding a batch of sequence numbers to one boot's set revealed."""

    added: int  # numbers not seen before
    duplicates: tuple[int, ...]  # numbers already present (redeliveries), in arrival order
    filled: tuple[int, ...]  # new numbers that fell inside a known hole (late arrivals)
    opened: tuple[Range, ...]  # holes that this batch revealed for the first time
    missing: tuple[Range, ...]  # every hole after the batch
    ranges: tuple[Range, ...]  # the set after the batch


def apply_batch(seen: SeqSet, seqs: Iterable[int], *, origin: int | None = 0) -> SeqUpdate:
    """Add newly stored numbers to ``seen`` (in place) and report loss, late and doubled."""
    lo = seen.first if origin is None else origin
    hi = seen.last
    added = 0
    dups: list[int] = []
    filled: list[int] = []
    for q in seqs:
        if seen.add(q):
            added += 1
            if hi is not None and lo is not None and lo <= q < hi:
                filled.append(q)
        else:
            dups.append(q)
    missing = seen.gaps(origin)
    # A hole after the batch lies either wholly inside the old span (it was a hole before,
    # perhaps narrowed) or wholly outside it, because the old span's ends are members.
    opened = missing if hi is None or lo is None else [g for g in missing if g[0] > hi or g[1] < lo]
    return SeqUpdate(
        added=added,
        duplicates=tuple(dups),
        filled=tuple(filled),
        opened=tuple(opened),
        missing=tuple(missing),
        ranges=tuple(seen.ranges()),
    )


def merge_sequences(
    seen: Iterable[Range], seqs: Iterable[int], *, origin: int | None = 0
) -> SeqUpdate:
    """Pure form of apply_batch: stored ranges + new numbers -> the report and new ranges."""
    return apply_batch(SeqSet(seen), seqs, origin=origin)


@dataclass(frozen=True, slots=True)
class Observation:
    """The outcome of one batch for one device: its boot, and what the sequence numbers say."""

    device: Hashable
    boot: str
    new_boot: bool  # a boot not seen before for this device (a reboot, or first contact)
    previous_boot: str | None  # the device's latest boot before this batch
    update: SeqUpdate


class _Device:
    """Per-device state: the latest boot's set, plus a few older boots for late messages."""

    __slots__ = ("boot", "older", "seen")

    def __init__(self, boot: str, seen: SeqSet) -> None:
        self.boot = boot
        self.seen = seen
        self.older: tuple[tuple[str, SeqSet], ...] = ()


class SequenceTracker:
    """In-memory sequence state for many devices (about 300 bytes per healthy device).

    Boot identifiers are opaque, so boots are ordered by first sight: a boot not among the
    ``boots_kept`` most recent ones of a device counts as a new boot.
    """

    def __init__(self, *, origin: int | None = 0, boots_kept: int = 3) -> None:
        if boots_kept < 1:
            raise SeqError("boots_kept must be at least 1")
        self.origin = origin
        self.boots_kept = boots_kept
        self._devices: dict[Hashable, _Device] = {}

    def __len__(self) -> int:
        return len(self._devices)

    def _locate(self, device: Hashable, boot: str) -> tuple[SeqSet, bool, str | None]:
        state = self._devices.get(device)
        if state is None:
            seen = SeqSet()
            self._devices[device] = _Device(boot, seen)
            return seen, True, None
        if state.boot == boot:
            return state.seen, False, boot
        for old_boot, old_seen in state.older:
            if old_boot == boot:
                return old_seen, False, state.boot
        previous = state.boot
        keep = ((state.boot, state.seen), *state.older)[: self.boots_kept - 1]
        state.boot, state.seen, state.older = boot, SeqSet(), keep
        return state.seen, True, previous

    def observe(self, device: Hashable, boot: str, seqs: Iterable[int]) -> Observation:
        """Record stored sequence numbers of one device and boot; report what they reveal."""
        seen, new_boot, previous = self._locate(device, boot)
        update = apply_batch(seen, seqs, origin=self.origin)
        return Observation(
            device=device,
            boot=boot,
            new_boot=new_boot,
            previous_boot=previous,
            update=update,
        )

    def restore(self, device: Hashable, boot: str, ranges: Iterable[Range]) -> None:
        """Load a boot's stored ranges (after a restart); the last one restored is the latest."""
        seen, _, _ = self._locate(device, boot)
        seen.merge_ranges(ranges)

    def ranges(self, device: Hashable, boot: str) -> list[Range]:
        """Stored ranges of one boot (empty if unknown)."""
        seen = self._find(device, boot)
        return seen.ranges() if seen is not None else []

    def missing(self, device: Hashable, boot: str) -> list[Range]:
        """Current holes of one boot (empty if unknown)."""
        seen = self._find(device, boot)
        return seen.gaps(self.origin) if seen is not None else []

    def latest_boot(self, device: Hashable) -> str | None:
        """The device's most recent boot, if any was seen."""
        state = self._devices.get(device)
        return state.boot if state is not None else None

    def _find(self, device: Hashable, boot: str) -> SeqSet | None:
        state = self._devices.get(device)
        if state is None:
            return None
        if state.boot == boot:
            return state.seen
        return next((s for b, s in state.older if b == boot), None)
