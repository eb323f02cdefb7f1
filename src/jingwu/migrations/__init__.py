"""Alembic migrations (date-stamped revisions) and helpers to run them programmatically."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from jingwu.config import ConfigError
from jingwu.db import normalize_url

HERE = Path(__file__).parent
VERSION_TABLE = "alembic_version"
ADVICE = "set JINGWU_DATABASE_URL to your database, or create it with `jingwu db upgrade`"


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at this package and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option(
        "file_template", "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s"
    )
    return cfg


def _applied(conn: Connection) -> set[str]:
    """The revisions recorded in ``alembic_version`` (none when the table is missing)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return set()
    return {str(v) for v in conn.execute(text("SELECT version_num FROM alembic_version")).scalars()}


def check_exists(url: str) -> None:
    """Raise ConfigError unless the SQLite file of ``url`` exists (connecting would create
    an empty one); other databases are checked by connecting."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if path and path != ":memory:" and not Path(path).is_file():
            shown = parsed.render_as_string(hide_password=True)
            raise ConfigError(f"There is no database at {shown}: {ADVICE}.")


def _at_heads(script: ScriptDirectory, current: set[str]) -> bool:
    """True when every head is applied. A head that a later revision of another branch
    ``depends_on`` is not stored in ``alembic_version`` (the dependent revision stands for
    it), so compare with what the applied revisions reach, dependencies included."""
    reached = {rev.revision for rev in script.iterate_revisions(tuple(current), "base")}
    return set(script.get_heads()) <= reached


def check_database(url: str) -> None:
    """Raise ConfigError (one sentence naming the setting and the command) unless the
    database exists and is migrated to this version's heads; never creates anything."""
    check_exists(url)
    url = normalize_url(url)
    shown = make_url(url).render_as_string(hide_password=True)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            current = _applied(conn)
    except SQLAlchemyError:
        raise ConfigError(f"The database at {shown} cannot be opened: {ADVICE}.") from None
    finally:
        engine.dispose()
    script = ScriptDirectory.from_config(alembic_config(url))
    known = {rev.revision for rev in script.walk_revisions()}
    if not current or (current <= known and not _at_heads(script, current)):
        raise ConfigError(
            f"The database at {shown} is not migrated to this version: run `jingwu db upgrade` "
            "(it uses JINGWU_DATABASE_URL)."
        )
