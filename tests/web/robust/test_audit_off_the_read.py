"""Audit records never turn a request into a 500: an unmasked read under concurrent writes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from jingwu.audit.models import AuditEntry
from jingwu.security import keys
from tests.web.live import live_world, together
from tests.web.workorders.test_wo_api import BODY

WRITES = 12
READS = 12


def test_unmasked_reads_while_orders_are_written_all_succeed_and_are_audited(
    tmp_path: Path, keyring: keys.Keyring
) -> None:
    with live_world(tmp_path, keyring) as live, live.client() as client:
        first = client.post("/api/v1/work-orders", json=BODY, headers=live.headers("officer"))
        assert first.status_code == 201, first.text
        code = first.json()["code"]
        statuses: list[int] = []

        def write() -> None:
            for _ in range(WRITES):
                r = client.post("/api/v1/work-orders", json=BODY, headers=live.headers("officer2"))
                statuses.append(r.status_code)

        def read() -> None:
            for _ in range(READS):
                r = client.get(
                    f"/api/v1/work-orders/{code}?unmask=true", headers=live.headers("officer")
                )
                statuses.append(r.status_code)
                assert r.status_code != 200 or r.json()["reporter_phone"] == "13812345678"

        together(write, read, write, read)
        assert sorted(set(statuses)) == [200, 201]
        with live.db.unit_of_work(write=False) as s:
            audited = s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "pii.unmask", AuditEntry.object_id == code)
            )
        assert audited == 2 * READS
