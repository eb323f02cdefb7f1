"""The white paper page and its PDF through the ASGI client."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.config import Settings
from jingwu.evaluation.whitepaper import cache
from tests.conftest import FrozenClock
from tests.factories.accounts import sign_in
from tests.integration.evaluation.whitepaper.wp_world import plant, recompute
from tests.integration.workorders.wo_factory import World
from tests.untranslated import english


@pytest.fixture
def world(session: Session) -> World:
    return plant(session)


def _login(client: TestClient, world: World, who: str, clock: FrozenClock) -> None:
    assert sign_in(client, world.users[who], clock.now).status_code == 303


def test_the_director_reads_the_white_paper_and_downloads_its_pdf(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "director", clock)
    page = client.get("/evaluation/white-paper?year=2026")
    assert page.status_code == 200
    text = page.text
    assert "2026年度社区警务评估白皮书" in text and 'id="download-pdf"' in text
    assert text.count('class="wp-figure"') >= 30 and text.count("<svg") >= 30
    assert (
        'id="station-table-service"' in text
        and 'id="station-table-quality"' in text
        and "红色预警1小时响应率" in text
    )
    assert 'id="wp-methods"' in text and 'id="wp-dates"' in text
    assert "<style" not in text and 'style="' not in text
    assert not english(text), english(text)
    assert 'href="/evaluation/white-paper"' in client.get("/evaluation/checks").text
    pdf = client.get("/evaluation/white-paper.pdf?year=2026")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert 'filename="white-paper-2026.pdf"' in pdf.headers["content-disposition"]


def test_the_page_speaks_english_too(client: TestClient, world: World, clock: FrozenClock) -> None:
    _login(client, world, "chief", clock)
    page = client.get("/evaluation/white-paper?year=2026&lang=en")
    assert page.status_code == 200
    assert "Community policing white paper 2026" in page.text
    assert "Red orders answered within 1 hour" in page.text


def test_stale_data_show_one_sentence_and_the_pdf_is_refused_with_409(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    clock.advance(days=31)
    _login(client, world, "director", clock)
    page = client.get("/evaluation/white-paper")
    assert page.status_code == 200
    assert 'id="page-error"' in page.text and "已超过30天" in page.text
    assert 'class="wp-figure"' not in page.text and 'id="download-pdf"' not in page.text
    pdf = client.get("/evaluation/white-paper.pdf")
    assert pdf.status_code == 409 and "已超过30天" in pdf.text


def test_a_partner_may_not_see_the_white_paper(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "partner", clock)
    assert client.get("/evaluation/white-paper").status_code == 403
    assert client.get("/evaluation/white-paper.pdf").status_code == 403
    assert client.get("/evaluation/white-paper?year=1999").status_code in (403, 422)


def test_a_bad_year_is_refused(client: TestClient, world: World, clock: FrozenClock) -> None:
    _login(client, world, "director", clock)
    assert client.get("/evaluation/white-paper?year=1999").status_code == 422
    assert client.get("/evaluation/white-paper.pdf?year=abc").status_code == 422


def test_the_pdf_is_printed_once_per_data_state_and_again_after_a_recompute(
    client: TestClient, world: World, clock: FrozenClock, session: Session, settings: Settings
) -> None:
    _login(client, world, "director", clock)
    before = cache.renders
    first = client.get("/evaluation/white-paper.pdf?year=2026")
    second = client.get("/evaluation/white-paper.pdf?year=2026")
    assert first.status_code == second.status_code == 200
    assert cache.renders == before + 1 and first.content == second.content
    kept = sorted((settings.var_dir / "cache" / "white-paper").glob("*.pdf"))
    assert len(kept) == 1
    english = client.get("/evaluation/white-paper.pdf?year=2026&lang=en")
    assert english.status_code == 200 and cache.renders == before + 2  # another language
    clock.advance(minutes=5)
    recompute(session, clock.now)  # new stored values: a new fingerprint
    third = client.get("/evaluation/white-paper.pdf?year=2026")
    assert third.status_code == 200 and cache.renders == before + 3
    assert kept[0] not in (settings.var_dir / "cache" / "white-paper").glob("*.pdf")
    clock.advance(days=31)  # a cached PDF is not handed out once the data are stale
    client.cookies.clear()
    _login(client, world, "director", clock)
    assert client.get("/evaluation/white-paper.pdf?year=2026").status_code == 409


def test_concurrent_downloads_wait_for_one_render(tmp_path: Path) -> None:
    started = threading.Event()
    count = 0

    def slow() -> bytes:
        nonlocal count
        count += 1
        started.set()
        time.sleep(0.3)
        return b"%PDF-1.7 printed once"

    def download() -> bytes:
        return cache.cached_pdf(
            tmp_path, year=2026, language="zh_CN", scope="/1/", data="abc", render=slow
        )

    with ThreadPoolExecutor(10) as pool:
        bodies = list(pool.map(lambda _: download(), range(10)))
    assert count == 1 and set(bodies) == {b"%PDF-1.7 printed once"}
    assert [p.name for p in tmp_path.glob("*.pdf")] == [p.name for p in tmp_path.glob("*-abc.pdf")]
    assert not list(tmp_path.glob("*.part"))
