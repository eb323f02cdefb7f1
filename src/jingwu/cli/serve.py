"""``jingwu serve``, ``jingwu worker`` and ``jingwu demo``."""

from __future__ import annotations

import os
import signal
import threading

import click
import uvicorn
from fastapi import FastAPI

from jingwu.cli.context import OPERATOR, CliContext, pass_ctx, requires
from jingwu.cli.db import upgrade_database
from jingwu.config import get_settings
from jingwu.runtime import Runtime, configure_logging
from jingwu.web.app import create_app
from jingwu.worker import runner

host_option = click.option("--host", default=None, help="Address to listen on (JINGWU_HOST).")
port_option = click.option("--port", default=None, type=int, help="Port (JINGWU_PORT).")


def _serve(
    runtime: Runtime, host: str | None, port: int | None, app: FastAPI | None = None
) -> None:
    settings = runtime.settings
    uvicorn.run(
        app if app is not None else create_app(runtime),
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        # No "server: uvicorn" header; forwarded headers are read by the app itself, from
        # the proxies of JINGWU_TRUSTED_PROXIES only (uvicorn believes any local peer's).
        access_log=False,
        # The client address comes from jingwu.web.deps.client_ip, which believes
        # X-Forwarded-For only from JINGWU_TRUSTED_PROXIES; uvicorn must not rewrite it first.
        server_header=False,
        proxy_headers=False,
    )


@click.command()
@requires(OPERATOR)
@host_option
@port_option
@click.option("--workers", default=1, show_default=True, help="Web processes.")
@pass_ctx
def serve(ctx: CliContext, host: str | None, port: int | None, workers: int) -> None:
    """Serve the web app and API."""
    settings = get_settings()
    configure_logging(settings)
    if workers > 1:
        uvicorn.run(
            "jingwu.web.asgi:app_factory",
            factory=True,
            workers=workers,
            host=host or settings.host,
            port=port or settings.port,
            access_log=False,
            server_header=False,
            proxy_headers=False,
        )
        return
    _serve(ctx.runtime(), host, port)


@click.command()
@requires(OPERATOR)
@click.option("--once", is_flag=True, help="Run every due job once and exit.")
@pass_ctx
def worker(ctx: CliContext, once: bool) -> None:
    """Run periodic jobs and ingestion (safe to run on several machines)."""
    runtime = ctx.runtime()
    configure_logging(runtime.settings)
    if once:
        worker_id = runner.worker_identity()
        ran = [
            spec.name
            for spec in runner.all_jobs()
            if runner.run_once(runtime, spec, worker_id=worker_id)
        ]
        click.echo(f"Ran {len(ran)} job(s): {', '.join(ran) or 'none due'}.")
        return
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    runner.start_services(runtime, stop)
    runner.loop(runtime, stop=stop)


@click.command()
@requires(OPERATOR)
@host_option
@port_option
@click.option("--seed-only", is_flag=True, help="Create and seed the database, then exit.")
@pass_ctx
def demo(ctx: CliContext, host: str | None, port: int | None, seed_only: bool) -> None:
    """Create a demo database if needed, seed it, and serve web and worker in one process.

    Without ``JINGWU_DATABASE_URL`` the database is ``<JINGWU_VAR_DIR>/demo.db`` (the var
    dir defaults to ./var, where ``make demo`` runs)."""
    from jingwu.accounts.demo import ACCOUNTS  # noqa: PLC0415 - demo code loads only here
    from jingwu.demodata import seed_if_empty  # noqa: PLC0415

    get_settings.cache_clear()
    if not os.environ.get("JINGWU_DATABASE_URL"):
        var_dir = get_settings().var_dir
        var_dir.mkdir(parents=True, exist_ok=True)
        os.environ["JINGWU_DATABASE_URL"] = f"sqlite:///{var_dir / 'demo.db'}"
    os.environ.setdefault("JINGWU_DEMO", "1")
    get_settings.cache_clear()
    settings = get_settings()
    upgrade_database(settings.effective_database_url)
    runtime = ctx.runtime()
    created = seed_if_empty(runtime)
    click.echo("Seeded the demo district." if created else "Demo data already present.")
    if seed_only:
        return
    url = f"http://{host or settings.host}:{port or settings.port}"
    click.echo(
        f"\nJingwu demo: {url}\nAccounts (password jingwu-demo, one-time code shown on "
        "the sign-in page):"
    )
    for role, _unit, name in ACCOUNTS:
        click.echo(f"  demo-{role}  {name}")
    # The app imports every domain (numpy among them) before the worker's threads start:
    # two threads importing the same extension module at once can deadlock the import.
    app = create_app(runtime)
    stop = threading.Event()
    runner.start_services(runtime, stop)
    threading.Thread(
        target=runner.loop, args=(runtime,), kwargs={"stop": stop}, name="worker", daemon=True
    ).start()
    try:
        _serve(runtime, host, port, app)
    finally:
        stop.set()
