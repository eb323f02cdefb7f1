"""Rules applied on the ingestion path, with the worker's memory of recent alerts (pure).

The engine keeps, per device, when each rule last fired (so the dedup window is checked
without the database for the common case) and short histories of the metrics that rate
rules watch. Its view is local: another worker may have raised the same alert, so a firing
decision is only a candidate until the store's dedup claim in the database succeeds.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta

from jingwu.iot.classes import DeviceClass
from jingwu.iot.ingest import Accepted, Batch, Candidate, Refused, epoch_ms
from jingwu.iot.payload import Event, Telemetry
from jingwu.iot.rules import Decision, RateOfChange, Rule
from jingwu.iot.ruleset import RuleBook

Sample = tuple[datetime, float]


class RuleEngine:
    """A rule book plus the per-device state needed to evaluate it on a stream."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.book = RuleBook(self.rules)
        windows: dict[str, float] = {}
        for r in self.rules:
            c = r.condition
            if isinstance(c, RateOfChange) and r.enabled:
                windows[c.metric] = max(windows.get(c.metric, 0.0), c.window_s)
        self._windows = {m: timedelta(seconds=w) for m, w in windows.items()}
        self._last: dict[int, dict[str, datetime]] = {}
        self._history: dict[tuple[int, str], deque[Sample]] = {}

    def adopt_memory(self, other: RuleEngine) -> None:
        """Keep another engine's memory of recent alerts (a rule reload is no new incident)."""
        self._last = other._last

    def last_alerts(self, device_id: int) -> dict[str, datetime]:
        """Rule code -> when it last fired for the device, as far as this worker knows."""
        return self._last.setdefault(device_id, {})

    def note_alert(self, device_id: int, rule_code: str, at: datetime) -> None:
        """Remember an alert (raised here, or found in the database by a lost claim)."""
        self._last.setdefault(device_id, {})[rule_code] = at

    def _history_of(self, device_id: int, reading: Telemetry) -> dict[str, list[Sample]]:
        out: dict[str, list[Sample]] = {}
        for metric, window in self._windows.items():
            value = reading.metrics.get(metric)
            if value is None:
                continue
            key = (device_id, metric)
            samples = self._history.get(key)
            if samples is None:
                samples = self._history[key] = deque()
            while samples and samples[0][0] < reading.ts - window:
                samples.popleft()
            # time-ordered and pruned to the window: the baseline is among the first two
            out[metric] = list(itertools.islice(samples, 2))
            samples.append((reading.ts, value))
        return out

    def on_telemetry(
        self, device_id: int, device_code: str, cls: DeviceClass, reading: Telemetry, now: datetime
    ) -> list[Decision]:
        """Firing decisions of threshold and rate rules for a reading."""
        history = self._history_of(device_id, reading) if self._windows else None
        decisions = self.book.evaluate_telemetry(
            device_class=cls,
            device=device_code,
            reading=reading,
            now=now,
            last_alerts=self.last_alerts(device_id),
            history=history,
        )
        return self._fired(device_id, decisions, now)

    def on_event(
        self, device_id: int, device_code: str, cls: DeviceClass, event: Event, now: datetime
    ) -> list[Decision]:
        """Firing decisions of event mappings for an event."""
        decisions = self.book.evaluate_event(
            device_class=cls,
            device=device_code,
            event=event,
            now=now,
            last_alerts=self.last_alerts(device_id),
        )
        return self._fired(device_id, decisions, now)

    def _fired(self, device_id: int, decisions: list[Decision], now: datetime) -> list[Decision]:
        fired = [d for d in decisions if d.fire]
        for d in fired:
            # optimistic: later messages of this batch see the window as started
            self.note_alert(device_id, d.rule.code, now)
        return fired

    def apply(
        self, batch: Batch, item: Accepted | Refused, *, now: datetime, received_ms: int
    ) -> None:
        """Add a decoded message to the batch and attach the alerts its rules propose."""
        batch.add(item, received_ms)
        if type(item) is not Accepted:
            return
        dev, rec = item.device, item.record
        if type(rec) is Telemetry:
            source = "telemetry"
            fired = self.on_telemetry(dev.id, dev.code, dev.device_class, rec, now)
        elif type(rec) is Event:
            source = "event"
            fired = self.on_event(dev.id, dev.code, dev.device_class, rec, now)
        else:
            return
        if fired:
            ts_ms = epoch_ms(rec.ts)
            key = (dev.id, ts_ms, rec.boot, rec.seq)
            batch.candidates.extend(Candidate(dev, d, source, key, ts_ms) for d in fired)
