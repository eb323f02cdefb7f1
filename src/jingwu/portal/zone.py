"""What the internet zone's PostgreSQL role may touch (pure data; see docs/portal.md).

Table name -> privileges. A domain that adds a published table (``pub_*``) or a table the
internet zone writes adds its entry here.
"""

from __future__ import annotations

INTERNET_GRANTS: dict[str, frozenset[str]] = {
    # Open311: hashed API keys (read-only lookup), their uses (the hourly rate limit), and
    # the category catalogue that GET services publishes (read-only lookup).
    "open311_keys": frozenset({"SELECT"}),
    "open311_key_uses": frozenset({"INSERT", "SELECT"}),
    "categories": frozenset({"SELECT"}),
}
