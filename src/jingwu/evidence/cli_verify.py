"""``jingwu evidence verify``: check a bundle offline (no database, no settings needed)."""

from __future__ import annotations

from pathlib import Path

import click

from jingwu.cli.context import ANYONE, requires
from jingwu.evidence.keyfile import load_key
from jingwu.evidence.verify import verify_bundle

EXIT_HOLDS, EXIT_FAILS, EXIT_UNREADABLE = 0, 1, 2


@click.command("verify")
@requires(ANYONE)
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
