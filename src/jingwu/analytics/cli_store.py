"""The work behind ``jingwu analytics import | store-backtest | refresh``."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from jingwu.analytics import jobs
from jingwu.analytics.cli_text import sentence
from jingwu.analytics.parse import IncidentFileError, ParseResult, parse_column_map, parse_incidents
from jingwu.analytics.service_backtests import store_backtest
from jingwu.analytics.service_incidents import import_table
from jingwu.cli.context import CliContext

SHOWN_ERRORS = 20


class _Refused(click.ClickException):
    """The file was refused as a whole (exit status 1)."""

    exit_code = 1


def _lines(
    raw: io.BufferedReader, text: io.TextIOWrapper, bar: Progress, task: TaskID
) -> Iterator[str]:
    for k, line in enumerate(text):
        if k % 4096 == 0:
            bar.update(task, completed=raw.tell())
        yield line
    bar.update(task, completed=raw.tell())


def read_with_progress(path: Path, column_map: dict[str, str], console: Console) -> ParseResult:
    """Parse an incident file (CSV or CSV.gz) with a progress bar over its bytes."""
    if not path.is_file():
        raise IncidentFileError(f"{path} is not a readable file")
    columns = (TextColumn("reading"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    try:
        with path.open("rb") as raw, Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("read", total=path.stat().st_size)
            binary = gzip.GzipFile(fileobj=raw) if path.name.endswith(".gz") else raw
            with io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as text:
                return parse_incidents(_lines(raw, text, bar, task), column_map=column_map)
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise IncidentFileError(f"{path} cannot be read ({exc})") from None


def _report_bad_rows(file: str, result: ParseResult) -> None:
    for error in result.errors[:SHOWN_ERRORS]:
        click.echo(f"{file}:{error.line}: {error.reason}", err=True)
    more = len(result.errors) - SHOWN_ERRORS
    if more > 0:
        click.echo(f"… and {more} more bad rows", err=True)


def run_import(
    ctx: CliContext, *, file: str, mapping: tuple[str, ...], unit: str | None, source: str
) -> None:
    """Read and check the whole file, then store every row in one transaction."""
    err = Console(stderr=True)
    try:
        column_map = parse_column_map(mapping)
        result = read_with_progress(Path(file), column_map, err)
    except IncidentFileError as exc:
        raise click.UsageError(sentence(str(exc))) from None
    if result.errors:
        _report_bad_rows(file, result)
        raise _Refused(f"Nothing imported: {len(result.errors)} bad rows in {file}.")
    runtime = ctx.runtime()
    columns = (TextColumn("storing"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"))
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("store", total=len(result.table))

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with runtime.db.unit_of_work() as session:
            done = import_table(
                session, ctx.principal(session), table=result.table, source=source,
                district=unit, now=runtime.clock(), progress=tick,
            )  # fmt: skip
    click.echo(
        f"Imported {done.added:,} new incidents from {file} ({done.existing:,} already stored); "
        f"{done.in_stations:,} of {done.rows:,} lie inside a station's boundary. "
        "The heat map counts them at its next refresh (`jingwu analytics refresh` runs it now)."
    )


def run_store_backtest(ctx: CliContext, *, file: str) -> None:
    """Store a backtest JSON document."""
    try:
        document = json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise click.UsageError(sentence(f"{file} cannot be read ({exc.strerror})")) from None
    except json.JSONDecodeError as exc:
        message = f"{file} is not JSON ({exc.msg} at line {exc.lineno})"
        raise click.UsageError(sentence(message)) from None
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        run = store_backtest(
            session, ctx.principal(session), document=document, source=Path(file).name,
            now=runtime.clock(),
        )  # fmt: skip
        ident, models = run.id, len(document["models"])
    click.echo(f"Stored backtest #{ident} ({models} models) from {file}.")


def run_refresh(ctx: CliContext, *, full: bool) -> None:
    """Feed, refresh and forecast now, in that order, each in its own transaction."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        ctx.principal(session)  # an unknown --as-user stops here
    for line in jobs.run_all(runtime, now=runtime.clock(), full=full):
        click.echo(line)
