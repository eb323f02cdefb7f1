"""A server keeps serving while `jingwu keys rotate` runs in another process: it reads the
new key when it meets it, and writes new values under it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.config import Settings
from jingwu.runtime import start
from jingwu.web.app import create_app
from jingwu.workorders.models import WorkOrder
from tests.conftest import fresh_database_url, upgrade
from tests.integration.workorders.wo_factory import NOW, make_world
from tests.web.workorders.test_wo_api import BODY

ROOT = Path(__file__).resolve().parents[3]


def _rotate(url: str, var: Path) -> None:
    env = {
        **os.environ,
        "JINGWU_DATABASE_URL": url,
        "JINGWU_VAR_DIR": str(var),
        "PYTHONPATH": str(ROOT / "src"),
    }
    done = subprocess.run(
        [sys.executable, "-c", "from jingwu.cli.main import main; main()", "keys", "rotate"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Key k2" in done.stdout


def _kid_of_phone(runtime_db: object, code: str) -> str:
    with runtime_db.unit_of_work(write=False) as s:  # type: ignore[attr-defined]
        order_id = s.scalar(select(WorkOrder.id).where(WorkOrder.code == code))
        raw = s.execute(
            text("SELECT reporter_phone FROM work_orders WHERE id = :i"), {"i": order_id}
        ).scalar_one()
    return str(raw).split(".")[2]


def test_orders_stay_readable_while_another_process_rotates_the_keys(tmp_path: Path) -> None:
    var = tmp_path / "var"
    with fresh_database_url(tmp_path, "rotation") as url:
        upgrade(url)
        runtime = start(Settings(database_url=url, var_dir=var, demo=False))
        try:
            with runtime.db.unit_of_work() as session:
                world = make_world(session)
                token = accounts.create_token(
                    session, SYSTEM, username=world.users["officer"].username, name="t", now=NOW
                )
            headers = {"Authorization": f"Bearer {token}"}
            with TestClient(create_app(runtime)) as client:
                first = client.post("/api/v1/work-orders", json=BODY, headers=headers)
                assert first.status_code == 201, first.text
                code = first.json()["code"]
                assert _kid_of_phone(runtime.db, code) == "k1"

                _rotate(url, var)

                assert _kid_of_phone(runtime.db, code) == "k2"  # re-encrypted elsewhere
                read = client.get(f"/api/v1/work-orders/{code}?unmask=true", headers=headers)
                assert read.status_code == 200, read.text
                assert read.json()["reporter_phone"] == BODY["reporter_phone"]
                second = client.post("/api/v1/work-orders", json=BODY, headers=headers)
                assert second.status_code == 201, second.text
                assert _kid_of_phone(runtime.db, second.json()["code"]) == "k2"
        finally:
            runtime.db.engine.dispose()
