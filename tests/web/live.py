"""An app on a database of its own (not the rolled-back test transaction): for tests of
concurrency, locks and several runtimes, where requests really commit."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.blobs.store import DirectoryBlobStore
from jingwu.config import Settings
from jingwu.db import Database
from jingwu.runtime import Runtime, utcnow
from jingwu.security import keys
from jingwu.web.app import create_app
from tests.conftest import fresh_database_url, upgrade
from tests.integration.workorders.wo_factory import NOW, World, make_world


@dataclass
class Live:
    """A migrated database with the work-order world, a runtime and bearer tokens."""

    db: Database
    runtime: Runtime
    world: World
    tokens: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    @contextmanager
    def client(self) -> Iterator[TestClient]:
        with TestClient(create_app(self.runtime), base_url="http://testserver") as c:
            yield c


def make_runtime(
    db: Database, keyring: keys.Keyring, tmp_path: Path, **settings: object
) -> Runtime:
    values: dict[str, object] = {"var_dir": tmp_path / "var", "demo": False, **settings}
    return Runtime(
        settings=Settings(**values),  # type: ignore[arg-type]
        keyring=keyring,
        db=db,
        blobs=DirectoryBlobStore(tmp_path / "blobs", keyring),
        clock=utcnow,
    )


@contextmanager
def live_world(tmp_path: Path, keyring: keys.Keyring, name: str = "live") -> Iterator[Live]:
    with fresh_database_url(tmp_path, name) as url:
        upgrade(url)
        db = Database.from_url(url)
        try:
            with db.unit_of_work() as session:
                world = make_world(session)
                tokens = {
                    who: accounts.create_token(
                        session, SYSTEM, username=tu.username, name="test", now=NOW
                    )
                    for who, tu in world.users.items()
                }
            yield Live(db, make_runtime(db, keyring, tmp_path), world, tokens)
        finally:
            db.engine.dispose()


def together(*jobs: Callable[[], object], timeout: float = 300) -> None:
    """Run the jobs in threads started at once; re-raise the first failure."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a job did not finish"
    assert not errors, errors
