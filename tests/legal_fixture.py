"""The small legal corpus of tests/data/legal (see its README), as a SQLite file and an index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from jingwu.legal import service

SQL = Path(__file__).parent / "data" / "legal" / "laws_fixture.sql"


def fixture_db(tmp: Path) -> Path:
    """A laws.db built from the dump."""
    path = tmp / "laws.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(SQL.read_text(encoding="utf-8"))
    conn.commit()
    conn.close()
    return path


def fixture_index(var_dir: Path) -> Path:
    """The index of the fixture corpus under ``var_dir/legal``."""
    var_dir.mkdir(parents=True, exist_ok=True)
    directory = var_dir / "legal"
    service.load(directory=directory, source=fixture_db(var_dir))
    return directory
