"""audit: an index on the record an entry is about (the log's record filter)

The first revision of the audit branch (the audit log's own changes, apart from the
foundation's other tables).

Revision ID: 20261207_0502
Revises: 20261129_0001
Create Date: 2026-12-07 05:02:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261207_0502"
down_revision: str | Sequence[str] | None = "20261129_0001"
branch_labels: str | Sequence[str] | None = ("audit",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain CREATE INDEX: a batch operation could rebuild the table without its triggers
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_object", table_name="audit_log")
