"""Done-when of the white paper: ``jingwu evaluation white-paper`` on a demo database writes
a PDF whose pages, rendered to images, show Chinese text and charts in embedded Noto CJK."""

from __future__ import annotations

import ctypes
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from click.testing import CliRunner, Result

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.security import keys
from tests.conftest import fresh_database_url

BAR = (0x1F, 0x5F, 0xA8)  # charts.PALETTE[0]: bars and the first line


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("white_paper")
    with fresh_database_url(tmp, "white_paper") as url:
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp / "var"), "JINGWU_DEMO": "1"}
        result = run(env, "demo", "--seed-only")
        assert result.exit_code == 0, result.output
        yield env


def run(env: dict[str, str], *args: str) -> Result:
    get_settings.cache_clear()
    saved = keys._current
    try:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
        if saved is not None:
            keys.install(saved)


def _fonts(page: pdfium.PdfPage) -> set[str]:
    text = page.get_textpage()
    buffer, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    names = set()
    for i in range(text.count_chars()):
        pdfium_raw.FPDFText_GetFontInfo(text.raw, i, buffer, 256, ctypes.byref(flags))
        names.add(buffer.value.decode().split("+")[-1])
    return names


def _chart_pixels(page: pdfium.PdfPage) -> int:
    """Pixels of the charts' colour on the page's image."""
    image = np.asarray(page.render(scale=1).to_pil().convert("RGB"), dtype=int)
    return int((np.abs(image - np.array(BAR)).max(axis=2) < 40).sum())


def test_the_pdf_pages_show_chinese_text_and_charts_in_noto_cjk(
    env: dict[str, str], tmp_path: Path
) -> None:
    year = dt.datetime.now(dt.UTC).astimezone(LOCAL).year
    out = tmp_path / "white-paper.pdf"
    r = run(env, "evaluation", "white-paper", "--year", str(year), "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "key indicators" in r.output
    pdf = pdfium.PdfDocument(out)
    texts = [page.get_textpage().get_text_range() for page in pdf]
    assert f"{year}年度社区警务评估白皮书" in texts[0]
    everything = "".join(texts).replace("\r", "").replace("\n", "")
    names = ("关键指标", "红色预警1小时响应率", "群众评价平均分", "受理工单数")
    for name in (*names, "计算方法", "数据日期"):
        assert name in everything, name
    figure_pages = [n for n, t in enumerate(texts) if "越高越好" in t or "越低越好" in t]
    assert len(figure_pages) >= 5
    drawn = {n: _chart_pixels(pdf[n]) for n in figure_pages}
    assert all(count > 20 for count in drawn.values()), drawn  # each page's bars and lines
    assert sum(drawn.values()) > 10_000, drawn
    cover = np.asarray(pdf[0].render(scale=1).to_pil().convert("L"))
    assert (cover < 100).sum() > 500  # the title is drawn, not blank
    fonts = set().union(*(_fonts(pdf[n]) for n in range(len(pdf))))
    assert fonts and all(f.startswith("Noto-Sans") for f in fonts), fonts
    assert "Noto-Sans-CJK-SC" in fonts


def test_a_year_without_data_is_refused_with_one_sentence_and_exit_1(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "old.pdf"
    result = CliRunner().invoke(
        cli, ["evaluation", "white-paper", "--year", "2001", "-o", str(out)], env=env
    )
    assert result.exit_code == 1
    assert "There are no data for 2001" in result.output
    assert not out.exists()


def test_the_command_writes_the_english_html_it_prints_from(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "white-paper.html"
    r = run(env, "evaluation", "white-paper", "--lang", "en", "--html", "-o", str(out))
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "Community policing white paper" in html and 'href="white_paper.css"' in html
    assert html.count('class="wp-figure"') >= 30 and "<script" not in html
