"""``jingwu evidence`` commands on the log's database: add, export, sequence, scrub,
witnesses. Errors print one sentence (the root command turns DomainError into exit 1)."""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path

import click

from jingwu.audit import service as audit
from jingwu.cli.context import OPERATOR, CliContext, pass_ctx, requires
from jingwu.config import get_settings
from jingwu.errors import Invalid
from jingwu.evidence import export, scrub, sequencer, service, witnesses
from jingwu.evidence.logkeys import build_log_keys, generate_signer_key, load_log_keys


@click.command("add")
@requires("evidence.record")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--order", "order_code", default=None, help="Work-order code, e.g. GS03-20261129-0042."
)
@click.option("--category", default=None, help="One of the 12 categories, e.g. scene_photo.")
@click.option("--note", default="", help="What the file shows (at most 2,000 characters).")
@click.option("--item", "item_code", default=None, help="Record a new version of this item.")
@click.option("--media-type", default=None, help="Media type (default: guessed from the name).")
@pass_ctx
def add(
    ctx: CliContext,
    file: Path,
    order_code: str | None,
    category: str | None,
    note: str,
    item_code: str | None,
    media_type: str | None,
) -> None:
    """Record FILE as evidence and print the item's code."""
    if item_code is None and (order_code is None or category is None):
        raise Invalid("Give --order and --category for a new item (or --item for a new version).")
    runtime = ctx.runtime()
    mtype = media_type or mimetypes.guess_type(file.name)[0] or ""
    with runtime.db.unit_of_work() as session, file.open("rb") as stream:
        principal = ctx.principal(session)
        audit.bind_actor(session, principal)
        if item_code is not None:
            item = service.record_version(
                session,
                principal,
                runtime.blobs,
                item_code=item_code,
                filename=file.name,
                media_type=mtype,
                stream=stream,
                note=note,
                now=runtime.clock(),
            )
        else:
            item = service.record_item(
                session,
                principal,
                runtime.blobs,
                order_code=str(order_code),
                category=str(category),
                filename=file.name,
                media_type=mtype,
                stream=stream,
                note=note,
                now=runtime.clock(),
            )
        code = item.code
    click.echo(code)
    # Sequence and sign now, so the item is covered when the command returns.
    done = sequencer.sequence_once(runtime.db, load_log_keys(runtime.settings), clock=runtime.clock)
    if done.checkpoint is not None:
        click.echo(f"Covered by the checkpoint of size {done.checkpoint.size}.", err=True)


@click.command("export")
@requires("evidence.view")
@click.argument("item")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--hash-only", is_flag=True, help="Leave the file out (entry and proof only).")
@click.option(
    "--version", "version", type=int, default=None, help="Item version (default: latest)."
)
@pass_ctx
def export_cmd(
    ctx: CliContext, item: str, output: Path, hash_only: bool, version: int | None
) -> None:
    """Write the bundle of evidence ITEM (a zip) to a file."""
    runtime = ctx.runtime()
    tmp = output.with_name(f".{output.name}.partial")
    try:
        with runtime.db.unit_of_work() as session, tmp.open("wb") as out:
            principal = ctx.principal(session)
            audit.bind_actor(session, principal)
            done = export.export_bundle(
                session,
                principal,
                runtime.blobs,
                item_code=item,
                out=out,
                version=version,
                hash_only=hash_only,
                now=runtime.clock(),
            )
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
    kind = " (hash only)" if done.hash_only else ""
    click.echo(
        f"Wrote {output}{kind}: item {done.item_code} version {done.version}, "
        f"log index {done.index} in a tree of {done.size}."
    )


@click.command("sequence")
@requires(OPERATOR)
@click.option("--follow", is_flag=True, help="Keep sequencing until interrupted.")
@pass_ctx
def sequence(ctx: CliContext, follow: bool) -> None:
    """Sequence queued entries and sign a checkpoint now (the worker does this too)."""
    runtime = ctx.runtime()
    keys = load_log_keys(runtime.settings)
    if follow:
        stop = threading.Event()
        try:
            sequencer.run(runtime.db, keys, clock=runtime.clock, stop=stop, on_round=_say)
        except KeyboardInterrupt:
            stop.set()
        return
    _say(sequencer.sequence_once(runtime.db, keys, clock=runtime.clock))


def _say(done: sequencer.Round) -> None:
    if done.batch is not None:
        click.echo(
            f"Sequenced {len(done.batch.entry_ids)} entries; the tree has {done.batch.size}."
        )
    if done.checkpoint is not None:
        click.echo(f"Signed the checkpoint of size {done.checkpoint.size}.")
    elif done.batch is None:
        click.echo("Nothing to sequence; the latest checkpoint covers the tree.")


@click.command("scrub")
@requires("evidence.admin")
@click.option("--all", "full", is_flag=True, help="Check everything, not the next window.")
@pass_ctx
def scrub_cmd(ctx: CliContext, full: bool) -> None:
    """Re-check files, entries and tree nodes; exit 1 naming each mismatch."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        run = scrub.scrub(
            session, runtime.blobs, load_log_keys(runtime.settings), now=runtime.clock(), full=full
        )
        problems = list(run.problems)
        counts = (run.entries_checked, run.files_checked, run.nodes_checked)
    click.echo(f"Checked {counts[0]} entries, {counts[1]} files and {counts[2]} tree nodes.")
    for problem in problems:
        click.echo(f"Problem: {problem}.", err=True)
    if problems:
        raise SystemExit(1)


@click.group("witnesses")
def witnesses_group() -> None:
    """The witnesses whose cosignatures the log accepts."""


@witnesses_group.command("list")
@requires("evidence.admin")
@pass_ctx
def list_witnesses(ctx: CliContext) -> None:
    """List registered witnesses with the last checkpoint each cosigned."""
    with ctx.runtime().db.unit_of_work(write=False) as session:
        for v in witnesses.witness_views(session):
            state = "active" if v.witness.active else "disabled"
            last = "never" if v.last_size is None else f"size {v.last_size}"
            click.echo(f"{v.witness.name}\t{state}\t{last}\t{v.witness.label}")


@witnesses_group.command("add")
@requires("evidence.admin")
@click.argument("vkey")
@click.option("--label", default="", help="Who runs it, e.g. 西湖区人民检察院.")
@pass_ctx
def add_witness(ctx: CliContext, vkey: str, label: str) -> None:
    """Accept cosignatures from the witness with verifier key VKEY."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        audit.bind_actor(session, principal)
        w = witnesses.add_witness(session, principal, vkey=vkey, label=label, now=runtime.clock())
        click.echo(f"Registered witness {w.name}.")


@witnesses_group.command("disable")
@requires("evidence.admin")
@click.argument("name")
@pass_ctx
def disable_witness(ctx: CliContext, name: str) -> None:
    """Stop accepting cosignatures from witness NAME (stored ones stay)."""
    with ctx.runtime().db.unit_of_work() as session:
        principal = ctx.principal(session)
        audit.bind_actor(session, principal)
        witnesses.set_active(session, principal, name=name, active=False)
        click.echo(f"Witness {name} disabled.")


@click.command("key")
@requires(OPERATOR)
@click.option(
    "--new",
    "new_origin",
    metavar="ORIGIN",
    help="Print a new signer key for ORIGIN (for JINGWU_EVIDENCE_SIGNER_KEY) instead.",
)
def key(new_origin: str | None) -> None:
    """Print the log's verifier key(s), which verifiers of bundles need."""
    if new_origin:
        signer_key = generate_signer_key(new_origin)
        click.echo(signer_key)
        vkey = build_log_keys([signer_key], []).verifier_keys[0]
        click.echo(f"verifier key: {vkey}", err=True)
        return
    for vkey in load_log_keys(get_settings()).verifier_keys:
        click.echo(vkey)
