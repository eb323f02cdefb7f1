"""The published dataset: a month without requests is a published 0 (not a withheld gap),
and the drawn checks list each target once per draw with its latest result."""

from __future__ import annotations

from jingwu.sunshine.dataset import ALL, Place, Raw, build, one_per_target


def _draw(target: str, status: str, recorded_at: str = "", kind: str = "order") -> dict[str, str]:
    return {"draw": "D1", "kind": kind, "period": "2026-11", "target": target, "status": status,
            "recorded_at": recorded_at}  # fmt: skip


def test_a_month_without_requests_publishes_zero_received_and_closed() -> None:
    raw = Raw(
        months=["2026-10", "2026-11"],
        places=[Place("SA01", "一", "One", None, None)],
        categories={},
        requests={("SA01", "2026-11", "received"): {("noise", "yellow"): 7}},
    )
    rows = {(r[0], r[1], r[2], r[3], r[4]): r[5] for r in build(raw).rows}
    assert rows[("SA01", "2026-10", "received", ALL, ALL)] == 0.0
    assert rows[("SA01", "2026-10", "closed", ALL, ALL)] == 0.0
    assert rows[("SA01", "2026-11", "received", ALL, ALL)] == 7.0
    assert rows[("SA01", "2026-11", "closed", ALL, ALL)] == 0.0  # none closed: zero too


def test_each_target_is_listed_once_per_draw_with_its_latest_result() -> None:
    draws = [
        _draw("BS01-20261104-0003", "pending"),
        _draw("BS01-20261104-0003", "done", "2026-11-20T02:00:00+00:00"),
        _draw("BS01-20261119-0002", "found", "2026-11-25T02:00:00+00:00", kind="home_visit"),
        _draw("BS01-20261119-0002", "done", "2026-11-21T02:00:00+00:00", kind="reinspection"),
        {**_draw("BS01-20261119-0002", "done"), "draw": "D2"},  # another draw: its own line
    ]
    got = one_per_target(draws)
    assert [(d["draw"], d["target"], d["status"]) for d in got] == [
        ("D1", "BS01-20261104-0003", "done"),
        ("D1", "BS01-20261119-0002", "found"),
        ("D2", "BS01-20261119-0002", "done"),
    ]
    assert all("recorded_at" not in d for d in got)
    # documents published before: no recorded_at; a recorded result beats a pending one
    old = [{k: v for k, v in d.items() if k != "recorded_at"} for d in draws[:2]]
    assert [d["status"] for d in one_per_target(list(reversed(old)))] == ["done"]
