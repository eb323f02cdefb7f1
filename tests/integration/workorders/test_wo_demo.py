"""The demo history on a database of its own: consistent with the services and the sweep."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import func, select

from jingwu.accounts.models import User
from jingwu.accounts.service import load_principal
from jingwu.blobs.store import DirectoryBlobStore
from jingwu.config import Settings
from jingwu.db import Database
from jingwu.demodata import DemoContext
from jingwu.registry import domain_modules
from jingwu.runtime import Runtime
from jingwu.security import keys
from jingwu.workorders import service
from jingwu.workorders.models import OrderEvent, WorkOrder
from jingwu.workorders.schemas import ActionIn
from jingwu.workorders.sweep import run_sweep
from tests.conftest import fresh_database_url, upgrade
from tests.integration.workorders.wo_factory import NOW


def test_the_demo_history_is_what_the_services_would_have_written(tmp_path: Path) -> None:
    with fresh_database_url(tmp_path, "wo_demo") as url:
        upgrade(url)
        db = Database.from_url(url)
        try:
            runtime = Runtime(
                Settings(var_dir=tmp_path),
                keys.current(),
                db,
                DirectoryBlobStore(tmp_path / "b", keys.current()),
                lambda: NOW,
            )
            ctx = DemoContext(runtime=runtime, now=NOW, rng=random.Random(7))
            for module in sorted(domain_modules("demo"), key=lambda m: m.ORDER):
                if module.ORDER <= 30:
                    with db.unit_of_work() as session:
                        module.seed(session, ctx)
            with db.unit_of_work() as session:
                total = session.scalar(select(func.count()).select_from(WorkOrder)) or 0
                tiers = set(session.scalars(select(WorkOrder.tier).distinct()))
                overdue = session.scalar(select(func.count()).where(WorkOrder.overdue)) or 0
                open_one, chief = session.execute(
                    select(WorkOrder.code, User.id)
                    .join(User, (User.unit_id == WorkOrder.unit_id) & (User.role == "chief"))
                    .where(WorkOrder.state == "in_progress")
                    .limit(1)
                ).one()
            assert 300 <= total <= 600 and {"red", "orange", "yellow"} <= tiers and overdue
            # A sweep at the seed's instant finds nothing left to write.
            assert run_sweep(db, now=NOW).alerts == 0
            # The services carry on from the seeded state.
            with db.unit_of_work() as session:
                principal = load_principal(session, chief)
                assert principal is not None
                order = service.act(
                    session,
                    principal,
                    code=open_one,
                    action="transfer",
                    data=ActionIn(transfer_to="110"),
                    now=NOW,
                )
                assert order.state == "transferred"
                events = session.scalar(select(func.count()).where(OrderEvent.order_id == order.id))
                assert events == order.event_count
        finally:
            db.engine.dispose()
