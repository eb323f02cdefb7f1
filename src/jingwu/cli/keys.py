"""``jingwu keys``: rotate the field-encryption key and re-encrypt everything stored."""

from __future__ import annotations

import click
from rich.progress import Progress
from sqlalchemy import select

from jingwu.blobs.models import Blob
from jingwu.cli.context import OPERATOR, CliContext, pass_ctx, requires
from jingwu.config import ConfigError, get_settings
from jingwu.security import keys as keymod
from jingwu.security.service import retire_old_canaries, rotate


@click.group()
def keys() -> None:
    """Encryption keys."""


def _next_kid(existing: dict[str, keymod.DataKey]) -> str:
    n = len(existing) + 1
    while f"k{n}" in existing:
        n += 1
    return f"k{n}"


def _activate_new_key(alg: str) -> keymod.Keyring:
    """Development: add a fresh key to var/keys.json and make it active."""
    settings = get_settings()
    if settings.is_production or settings.data_keys:
        raise ConfigError(
            "Keys come from JINGWU_DATA_KEYS here: add the new key there, set "
            "JINGWU_DATA_KEY_ACTIVE to it, and run `jingwu keys rotate --configured`."
        )
    ring = keymod.load_keyring(settings)
    kid = _next_kid(ring.data_keys)
    fresh = keymod.new_data_key(kid, alg)  # type: ignore[arg-type]
    data_keys = {**ring.data_keys, kid: fresh}
    path = keymod.key_file(settings)
    stored = keymod.read_key_file(path)
    stored.update(data_keys=keymod.format_data_keys(data_keys), data_key_active=kid)
    keymod.write_key_file(path, stored)
    return keymod.load_keyring(settings)


@keys.command("rotate")
@requires(OPERATOR)
@click.option(
    "--alg",
    type=click.Choice(["aes", "sm4"]),
    default="aes",
    show_default=True,
    help="Algorithm of the new key: AES-256-GCM or SM4-GCM.",
)
@click.option(
    "--configured",
    is_flag=True,
    help="Use the active key already configured (production) instead of a new one.",
)
@pass_ctx
def rotate_cmd(ctx: CliContext, alg: str, configured: bool) -> None:
    """Make a new key active and re-encrypt every stored value and file under it."""
    if not configured:
        _activate_new_key(alg)
    runtime = ctx.runtime()
    ring = runtime.keyring
    with Progress() as progress, runtime.db.unit_of_work() as session:
        task = progress.add_task("fields", total=None)
        counts = rotate(
            session,
            ring,
            progress=lambda name, n: progress.update(task, description=name, advance=n),
        )
        shas = list(session.scalars(select(Blob.sha256)))
        files = progress.add_task("files", total=len(shas))
        redone = 0
        for sha in shas:
            if runtime.blobs.exists(sha) and runtime.blobs.reencrypt(sha):
                redone += 1
            progress.advance(files)
        retire_old_canaries(session, ring)
    total = sum(counts.values())
    click.echo(
        f"Key {ring.active} ({ring.active_key.alg}) is active; re-encrypted {total} "
        f"values and {redone} files."
    )
