"""Ingestion figures a worker keeps: counts and latency histograms (pure, millisecond buckets)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

MAX_MS = 120_000  # latencies beyond two minutes share the last bucket


class Histogram:
    """Latencies in whole milliseconds; percentiles are exact to the millisecond."""

    __slots__ = ("counts", "n", "total")

    def __init__(self) -> None:
        self.counts = [0] * (MAX_MS + 1)
        self.n = 0
        self.total = 0

    def add(self, ms: int) -> None:
        """Count one latency (negative clock skew counts as 0)."""
        ms = 0 if ms < 0 else MAX_MS if ms > MAX_MS else ms
        self.counts[ms] += 1
        self.n += 1
        self.total += ms

    def percentile(self, p: float) -> int | None:
        """The smallest latency at or below which a share p (0..1) of samples lie."""
        if not self.n:
            return None
        want = max(1, round(p * self.n + 0.4999))
        seen = 0
        for ms, c in enumerate(self.counts):
            seen += c
            if seen >= want:
                return ms
        return MAX_MS

    def buckets(self) -> list[tuple[int, int]]:
        """(ms, count) of the non-empty buckets (to merge histograms of several workers)."""
        return [(ms, c) for ms, c in enumerate(self.counts) if c]

    def merge(self, buckets: list[tuple[int, int]]) -> None:
        """Add another worker's buckets."""
        for ms, c in buckets:
            self.counts[ms] += c
            self.n += c
            self.total += ms * c

    def summary(self) -> dict[str, Any]:
        """n, mean, p50, p99 and max in ms."""
        top = next((ms for ms in range(MAX_MS, -1, -1) if self.counts[ms]), None)
        return {
            "n": self.n,
            "mean_ms": round(self.total / self.n, 1) if self.n else None,
            "p50_ms": self.percentile(0.5),
            "p99_ms": self.percentile(0.99),
            "max_ms": top,
        }


@dataclass
class IngestStats:
    """What one worker stored, refused and raised, and how fast."""

    started: float = field(default_factory=time.monotonic)
    messages: int = 0
    stored: int = 0
    events: int = 0
    duplicates: int = 0
    refused: int = 0
    alerts: int = 0
    batches: int = 0
    failures: int = 0
    stored_latency: Histogram = field(default_factory=Histogram)  # reading time -> committed
    alert_latency: Histogram = field(default_factory=Histogram)  # alarm time -> alert committed

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        elapsed = time.monotonic() - self.started
        return {
            "elapsed_s": round(elapsed, 1),
            "messages": self.messages,
            "stored": self.stored,
            "events": self.events,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "alerts": self.alerts,
            "batches": self.batches,
            "failures": self.failures,
            "rate_per_s": round(self.messages / elapsed, 1) if elapsed > 0 else None,
            "stored_latency": self.stored_latency.summary(),
            "alert_latency": self.alert_latency.summary(),
        }

    def dump(self) -> dict[str, Any]:
        """The summary plus the histograms' buckets (what the stats file holds)."""
        return {
            **self.summary(),
            "stored_buckets": self.stored_latency.buckets(),
            "alert_buckets": self.alert_latency.buckets(),
        }
