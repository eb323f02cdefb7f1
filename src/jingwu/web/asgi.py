"""ASGI entry point for process managers: ``uvicorn --factory jingwu.web.asgi:app_factory``."""

from __future__ import annotations

from fastapi import FastAPI

from jingwu.runtime import configure_logging, start
from jingwu.web.app import create_app


def app_factory() -> FastAPI:
    """Start up (settings, keys, database) and build the app."""
    runtime = start()
    configure_logging(runtime.settings)
    return create_app(runtime)
