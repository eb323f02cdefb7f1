"""Schemathesis over the app's OpenAPI document, as an administrator and as an officer of the
demo district: the examples, coverage (boundary values) and fuzzing phases, valid and invalid
requests to every operation, every answer checked against the document.

Fails on any 5xx, a status code or content type an operation does not document, a body that
does not match its documented schema, and an invalid request that is accepted. The app runs
in this process (uvicorn in a thread, on a seeded SQLite database); the schemathesis command
line drives it from another. SQLite only (the application code is the same on both
databases); bounded examples, deterministic generation, a time budget of a few minutes.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.config import Settings
from jingwu.demodata import seed_if_empty
from jingwu.runtime import start
from jingwu.security import keys
from jingwu.web.app import create_app
from tests.conftest import DB_KIND, upgrade

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(DB_KIND != "sqlite", reason="schemathesis runs in the SQLite part"),
]

HERE = Path(__file__).resolve().parent
EXAMPLES = os.environ.get("JINGWU_SCHEMATHESIS_EXAMPLES", "10")  # per operation and phase
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,negative_data_rejection"
)
# File uploads: their parts are bytes and text whatever the schema's type, so the "boolean"
# file schemathesis sends (the five bytes "false") is a valid upload that its negative-data
# check reports as accepted. Their own tests (tests/web/evaluation, tests/web/standard) cover
# their errors and limits.
UPLOADS = r"/items/\{item_id\}/evidence$|/assessments/\{assessment_id\}/files$"
BUDGET_S = 900  # per role, generous for a saturated machine (a quiet one needs about 1 min)


@dataclass
class Served:
    url: str
    tokens: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, keyring: keys.Keyring) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{tmp / 'st.db'}"
    upgrade(url)
    runtime = start(Settings(database_url=url, var_dir=tmp / "var", demo=True), keyring=keyring)
    seed_if_empty(runtime)
    with runtime.db.unit_of_work() as session:
        tokens = {
            role: accounts.create_token(
                session, SYSTEM, username=f"demo-{role}", name="schemathesis", now=runtime.clock()
            )
            for role in ("admin", "officer")
        }
    port = _free_port()
    config = uvicorn.Config(
        create_app(runtime), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield Served(f"http://127.0.0.1:{port}", tokens)
    server.should_exit = True
    thread.join(timeout=30)
    runtime.db.engine.dispose()


def _run(served: Served, role: str, report: Path) -> tuple[dict[str, object], str]:
    command = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(HERE / "schemathesis.toml"),
        "run", f"{served.url}/api/openapi.json",
        "--checks", CHECKS,
        "--phases", "examples,coverage,fuzzing",
        "--mode", "all",
        "--max-examples", EXAMPLES,
        "--generation-deterministic",
        "--workers", "1",
        "--exclude-path-regex", UPLOADS,
        "--continue-on-failure",
        "--request-timeout", "120",
        "--header", f"Authorization: Bearer {served.tokens[role]}",
        "--no-color",
        "--report", "json", "--report-json-path", str(report),
    ]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=BUDGET_S, check=False, cwd=report.parent
    )
    return json.loads(report.read_text()), done.stdout[-20_000:]


@pytest.mark.parametrize("role", ["admin", "officer"])
def test_every_operation_answers_as_its_openapi_document_says(
    served: Served, role: str, tmp_path: Path
) -> None:
    report, output = _run(served, role, tmp_path / "report.json")
    operations = report["operations"]
    assert isinstance(operations, dict) and operations["tested"] == operations["selected"]
    assert operations["selected"] >= 40, operations
    cases = report["test_cases"]
    assert isinstance(cases, dict) and cases["generated"] >= 40 * 10, cases  # it really probed
    assert not report["errors"], output
    assert not report["failures"], output
