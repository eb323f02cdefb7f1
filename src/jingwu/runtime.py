"""Start-up shared by the web app, the worker and the CLI: settings, keys, database, blobs."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from jingwu.blobs.store import BlobStore, DirectoryBlobStore
from jingwu.config import Settings, get_settings
from jingwu.db import Database
from jingwu.migrations import check_database
from jingwu.security import keys
from jingwu.security.service import check_keys


def utcnow() -> dt.datetime:
    """The wall clock, timezone-aware UTC (the one place the real clock is read)."""
    return dt.datetime.now(dt.UTC)


@dataclass
class Runtime:
    """What a process needs, built once at start-up."""

    settings: Settings
    keyring: keys.Keyring
    db: Database
    blobs: BlobStore
    clock: Callable[[], dt.datetime] = field(default=utcnow)


def start(
    settings: Settings | None = None,
    *,
    db: Database | None = None,
    keyring: keys.Keyring | None = None,
    check: bool = True,
) -> Runtime:
    """Load keys, open the database, and refuse to start if the keys cannot read the data."""
    settings = settings or get_settings()
    source = None if keyring is not None else keys.source_for(settings)
    keyring = keyring or keys.load_keyring(settings)
    keys.install(keyring, source)
    if db is None:
        check_database(settings.effective_database_url)  # never creates an empty one
        db = Database.from_url(settings.effective_database_url)
    if check and settings.zone != "internet":  # its keys are throwaway, its role reads no canary
        with db.unit_of_work() as session:
            check_keys(session, keyring, now=utcnow())
    blobs = DirectoryBlobStore(settings.effective_blob_dir, keyring)
    return Runtime(settings=settings, keyring=keyring, db=db, blobs=blobs)


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(out).decode()


def configure_logging(settings: Settings) -> None:
    """Plain lines in development, one JSON object per line in production."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json" or settings.is_production:
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
