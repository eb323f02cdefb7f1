"""An officer records evidence on an order in the browser, sees it verified, downloads its
bundle and checks the log; a witness process cosigns the live log over HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from jingwu.accounts.scope import SYSTEM
from jingwu.evidence import sequencer, witnesses
from jingwu.evidence.logkeys import load_log_keys
from jingwu.evidence.models import EvidenceItem
from jingwu.evidence.verify import verify_bundle
from tests.browser.conftest import LiveServer, sign_in

JINGWU = [sys.executable, "-c", "from jingwu.cli.main import main; main()"]


def demo_order(server: LiveServer, category: str) -> str:
    with server.runtime.db.unit_of_work(write=False) as session:
        code = session.scalar(
            select(EvidenceItem.order_code).where(EvidenceItem.category == category).limit(1)
        )
    assert code, "the evidence demo seed records on two orders"
    return code


def sequence(server: LiveServer) -> None:
    keys = load_log_keys(server.runtime.settings)
    sequencer.sequence_once(server.runtime.db, keys, clock=server.runtime.clock)


def test_record_evidence_see_it_verified_download_the_bundle_and_check_the_log(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    order = demo_order(live_server, "scene_photo")
    sign_in(page, live_server, "demo-officer")
    page.goto(f"{live_server.url}/evidence/orders/{order}")
    expect(page.locator("#evidence-table")).to_contain_text("现场照片")
    expect(page.locator("#evidence-table")).to_contain_text("已验证")
    page.set_input_files(
        "form.evidence-upload input[name=file]",
        {"name": "call.m4a", "mimeType": "audio/mp4", "buffer": b"a recorded call " * 5000},
    )
    page.select_option("form.evidence-upload select[name=category]", "audio")
    page.fill("form.evidence-upload textarea[name=note]", "报警电话录音")
    page.click("form.evidence-upload button[type=submit]")
    row = page.locator("#evidence-table tr", has_text="call.m4a")
    expect(row).to_contain_text("录音")
    expect(row.locator(".proof-status")).not_to_contain_text("已验证")
    sequence(live_server)  # the worker's sequencer, in this test's hands
    expect(row.locator(".proof-status")).to_contain_text("已验证", timeout=60_000)
    with page.expect_download() as download:
        row.locator("a", has_text="证据包").click()
    saved = tmp_path / "bundle.zip"
    download.value.save_as(saved)
    vkey = load_log_keys(live_server.runtime.settings).verifier_keys[0]
    result = verify_bundle(saved, [vkey])
    assert result.ok and "audio recording" in result.sentence, result.sentence
    page.click("#lang-en")
    page.goto(f"{live_server.url}/evidence/log")
    expect(page.locator("#witnesses")).to_contain_text("xihu-procuratorate.demo/witness")
    page.fill("input[name=old]", "5")
    page.click("#consistency-check")
    expect(page.locator("#consistency-result")).to_contain_text("Consistent")


def test_a_witness_process_cosigns_the_live_log_over_http(
    live_server: LiveServer, tmp_path: Path
) -> None:
    sequence(live_server)
    made = subprocess.run(
        [
            *JINGWU,
            "evidence",
            "witness-key",
            "court.example/witness",
            "-o",
            str(tmp_path / "w.key"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    with live_server.runtime.db.unit_of_work() as session:
        witnesses.add_witness(
            session, SYSTEM, vkey=made.stdout.strip(), now=live_server.runtime.clock()
        )
    vkey = load_log_keys(live_server.runtime.settings).verifier_keys[0]

    def witness_round() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *JINGWU,
                "evidence",
                "witness",
                "--log",
                f"{live_server.url}/evidence",
                "--log-key",
                vkey,
                "--key",
                str(tmp_path / "w.key"),
                "--state",
                str(tmp_path / "state"),
                "--once",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    first = witness_round()
    assert first.returncode == 0 and first.stdout.startswith("cosigned: size"), first.stderr
    again = witness_round()
    assert again.returncode == 0 and again.stdout.startswith("unchanged"), again.stderr
    assert (tmp_path / "state" / "checkpoint").read_text().count("— court.example/witness ") == 1
