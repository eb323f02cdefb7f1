"""What the internet zone's PostgreSQL role may touch (pure data; see docs/portal.md).

Table name -> privileges. A domain that adds a published table (``pub_*``) or a table the
internet zone writes adds its entry here.
"""

from __future__ import annotations

INTERNET_GRANTS: dict[str, frozenset[str]] = {
    # Sunshine policing: the published dataset versions and their cells (read-only; the
    # intranet's sunshine.publish job writes them).
    "pub_sunshine_versions": frozenset({"SELECT"}),
    "pub_sunshine_cells": frozenset({"SELECT"}),
}
