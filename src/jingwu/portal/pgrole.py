"""The internet zone's PostgreSQL role: exactly :data:`~jingwu.portal.zone.INTERNET_GRANTS`.

``grant_role`` (re)creates the role's privileges: everything on the schema's tables is
revoked, then each declared table gets its declared privileges (and its id sequence, for
inserts). Tables not created yet (a domain not migrated) are skipped and named.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from jingwu.portal.zone import INTERNET_GRANTS

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_PRIVILEGES = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})


def grant_role(
    conn: Connection, name: str, *, password: str | None = None, schema: str = "public"
) -> list[str]:
    """Create (or reset) the login role ``name`` with the internet zone's grants; returns
    the declared tables that do not exist (not granted)."""
    if conn.dialect.name != "postgresql":
        raise ValueError("database roles need PostgreSQL")
    if not _NAME.fullmatch(name) or not _NAME.fullmatch(schema):
        raise ValueError("a role name is lower-case letters, digits and _")
    exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    if not exists:
        conn.execute(text(f'CREATE ROLE "{name}" LOGIN'))
    if password is not None:
        conn.execute(text(f"ALTER ROLE \"{name}\" PASSWORD '{_literal(password)}'"))
    database = conn.scalar(text("SELECT current_database()"))
    conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{name}"'))
    conn.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM "{name}"'))
    conn.execute(text(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM "{name}"'))
    conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{name}"'))
    tables = set(
        conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema})
    )
    missing = []
    for table, privileges in sorted(INTERNET_GRANTS.items()):
        if not _NAME.fullmatch(table) or not privileges <= _PRIVILEGES:
            raise ValueError(f"bad grant for {table}")
        if table not in tables:
            missing.append(table)
            continue
        listed = ", ".join(sorted(privileges))
        conn.execute(text(f'GRANT {listed} ON "{schema}"."{table}" TO "{name}"'))
        if "INSERT" in privileges:
            seq = conn.scalar(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f"{schema}.{table}"}
            )
            if seq:
                conn.execute(text(f'GRANT USAGE ON SEQUENCE {seq} TO "{name}"'))
    return missing


def _literal(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a password has no NUL")
    return value.replace("'", "''")
