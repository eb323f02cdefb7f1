"""``jingwu evidence witness`` (the witness process) and ``witness-key`` (its key).

Neither touches the log's database or the Jingwu settings, so a procuratorate, a court or
an audit office can run a witness with nothing but this package installed.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import click

from jingwu.cli.context import ANYONE, requires
from jingwu.evidence.checkpoint import CheckpointError
from jingwu.evidence.keyfile import load_key, read_key_text
from jingwu.evidence.keys import Cosigner, NoteError, check_name, parse_cosigner_key
from jingwu.evidence.witness import HttpLogClient, Witness, WitnessError, witness_once

EXIT_FORK, EXIT_UNREACHABLE = 1, 2


@click.command("witness")
@requires(ANYONE)
@click.option(
    "--log",
    "log_url",
    required=True,
    help="The log's base URL, e.g. https://jingwu.example/evidence.",
)
@click.option(
    "--log-key",
    "log_keys",
    multiple=True,
    required=True,
    help="The log's verifier key or a file holding it.",
)
@click.option(
    "--key",
    "key_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="This witness's private key file (from witness-key).",
)
@click.option(
    "--state",
    "state_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the last cosigned checkpoint and fork evidence.",
)
@click.option(
    "--interval", type=click.FloatRange(min=0.1), default=10.0, help="Seconds between rounds."
)
@click.option(
    "--once", is_flag=True, help="Run one round; exit 1 on a fork, 2 if the log is unreachable."
)
def witness(
    log_url: str,
    log_keys: tuple[str, ...],
    key_file: Path,
    state_dir: Path,
    interval: float,
    once: bool,
) -> None:
    """Cosign the log's checkpoints after checking that the log only grew."""
    try:
        verifiers = tuple(load_key(k) for k in log_keys)
        cosigner = parse_cosigner_key(read_key_text(str(key_file)))
        client = HttpLogClient(log_url)
    except (OSError, ValueError, WitnessError) as exc:
        click.echo(f"Cannot start the witness: {exc}.", err=True)
        raise SystemExit(2) from None
    me = Witness(verifiers[0].name, verifiers, cosigner, state_dir)
    while True:
        code = _round(me, client)
        if once:
            raise SystemExit(code)
        time.sleep(interval)


def _round(me: Witness, client: HttpLogClient) -> int:
    try:
        outcome = witness_once(me, client, timestamp=int(time.time()))
    except WitnessError as exc:
        click.echo(f"The log cannot be checked now: {exc}.", err=True)
        return EXIT_UNREACHABLE
    except (NoteError, CheckpointError) as exc:
        click.echo(f"The log's checkpoint is refused: {exc}.", err=True)
        return EXIT_FORK
    if outcome.status == "fork":
        click.echo(f"FORK at size {outcome.size}: {outcome.detail}.", err=True)
        return EXIT_FORK
    click.echo(f"{outcome.status}: size {outcome.size}")
    return 0


@click.command("witness-key")
@requires(ANYONE)
@click.argument("name")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the private key (mode 0600).",
)
def witness_key(name: str, output: Path) -> None:
    """Make a witness key named NAME; print the verifier key to give the log's operator."""
    try:
        cosigner = Cosigner(check_name(name), secrets.token_bytes(32))
    except NoteError as exc:
        click.echo(f"Cannot make the key: {exc}.", err=True)
        raise SystemExit(2) from None
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        click.echo(f"Cannot make the key: {output} exists already.", err=True)
        raise SystemExit(2) from None
    with os.fdopen(fd, "w") as fh:
        fh.write(f"# witness key {name}: keep secret\n{cosigner.signer_key()}\n")
    click.echo(cosigner.verifier_key())
