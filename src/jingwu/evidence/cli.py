"""``jingwu evidence``: record, export, verify, keys, sequencing, scrubbing, witnesses.

``verify`` and ``witness`` need neither the database nor the Jingwu settings: they run
wherever the package is installed (a court's laptop, a witness's server).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from jingwu.evidence import cli_witness
from jingwu.evidence.keyfile import load_key
from jingwu.evidence.verify import verify_bundle

EXIT_HOLDS, EXIT_FAILS, EXIT_UNREADABLE = 0, 1, 2

# Commands on the log's database load on demand, so that verifying a bundle and running
# a witness import neither the database layer nor the settings.
LAZY = {
    "add": "jingwu.evidence.cli_log:add",
    "export": "jingwu.evidence.cli_log:export_cmd",
    "key": "jingwu.evidence.cli_log:key",
    "scrub": "jingwu.evidence.cli_log:scrub_cmd",
    "sequence": "jingwu.evidence.cli_log:sequence",
    "witnesses": "jingwu.evidence.cli_log:witnesses_group",
}


class LazyGroup(click.Group):
    """A group whose listed subcommands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY:
            module_name, _, attr = LAZY[cmd_name].partition(":")
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


cli = LazyGroup("evidence", help="Evidence log: record, export and verify evidence.")


@cli.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "keys", multiple=True, required=True, help="Log verifier key or file.")
@click.option("--witness", "witnesses", multiple=True, help="Witness verifier key or file.")
@click.option(
    "--min-witnesses",
    type=click.IntRange(min=0),
    default=None,
    help="Cosignatures required (default: every --witness given).",
)
def verify(
    file: Path, keys: tuple[str, ...], witnesses: tuple[str, ...], min_witnesses: int | None
) -> None:
    """Verify an evidence bundle offline: exit 0 holds, 1 does not, 2 unreadable."""
    try:
        log_keys = [load_key(k) for k in keys]
        witness_keys = [load_key(k) for k in witnesses]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        click.echo(f"Cannot read a key: {exc}.", err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    try:
        result = verify_bundle(file, log_keys, witness_keys, min_witnesses)
    except OSError as exc:
        click.echo(f"Cannot read {file}: {exc.strerror or exc}.", err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    except ValueError as exc:
        click.echo(f"Cannot verify: {exc}.", err=True)
        raise SystemExit(EXIT_UNREADABLE) from None
    click.echo(result.sentence)
    raise SystemExit(EXIT_HOLDS if result.ok else EXIT_FAILS)


for _command in cli_witness.COMMANDS:
    cli.add_command(_command)
