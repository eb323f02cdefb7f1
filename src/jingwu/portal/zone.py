"""What the internet zone's PostgreSQL role may touch (pure data; see docs/portal.md).

Table name -> privileges. A domain that adds a published table (``pub_*``) or a table the
internet zone writes adds its entry here; ``jingwu portal grant-role`` grants exactly these.
"""

from __future__ import annotations

INTERNET_GRANTS: dict[str, frozenset[str]] = {
    # The schema's version: a process checks it at start (a number, no data).
    "alembic_version": frozenset({"SELECT"}),
    # Submissions handed inward; SELECT for the token's uniqueness check and rate limits.
    "public_inbox": frozenset({"INSERT", "SELECT"}),
    # The published status of every submission: submit() writes the first (open) row.
    "pub_requests": frozenset({"INSERT", "SELECT"}),
    # Abuse control of the portal: one-time codes and attempts per phone / address.
    "portal_codes": frozenset({"INSERT", "SELECT", "UPDATE", "DELETE"}),
    "portal_attempts": frozenset({"INSERT", "SELECT", "DELETE"}),
    # Ratings given on the portal, carried inward by portal.intake.
    "public_ratings": frozenset({"INSERT", "SELECT"}),
    # Open311: hashed API keys (read-only lookup), their uses (the hourly rate limit), and
    # the category catalogue that GET services publishes (read-only lookup).
    "open311_keys": frozenset({"SELECT"}),
    "open311_key_uses": frozenset({"INSERT", "SELECT"}),
    "categories": frozenset({"SELECT"}),
    # Sunshine policing: the published dataset versions and their cells (read-only; the
    # intranet's sunshine.publish job writes them).
    "pub_sunshine_versions": frozenset({"SELECT"}),
    "pub_sunshine_cells": frozenset({"SELECT"}),
}
