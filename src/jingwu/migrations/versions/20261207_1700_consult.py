"""online legal consultation

Revision ID: 20261207_1700
Revises: 20261129_0001
Create Date: 2026-12-07 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_1700"
down_revision: str | Sequence[str] | None = "20261129_0001"
branch_labels: str | Sequence[str] | None = ("consult",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consult_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=1024), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("evidence_item", sa.String(length=64), nullable=True),
        sa.Column("transcript_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["users.id"], name=op.f("fk_consult_sessions_expert_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["transcript_sha256"],
            ["blobs.sha256"],
            name=op.f("fk_consult_sessions_transcript_sha256_blobs"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_consult_sessions_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consult_sessions")),
        sa.UniqueConstraint("code", name=op.f("uq_consult_sessions_code")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_consult_sessions_token_hash")),
    )
    with op.batch_alter_table("consult_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consult_sessions_expert_id"), ["expert_id"], unique=False
        )
        batch_op.create_index(
            "ix_consult_sessions_queue", ["unit_id", "status", "opened_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consult_sessions_retain_until"), ["retain_until"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consult_sessions_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_consult_sessions_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "consult_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=8), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.String(length=4096), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_consult_messages_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consult_sessions.id"],
            name=op.f("fk_consult_messages_consultation_id_consult_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consult_messages")),
        sa.UniqueConstraint(
            "consultation_id", "seq", name=op.f("uq_consult_messages_consultation_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("consult_messages")
    with op.batch_alter_table("consult_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consult_sessions_unit_id"))
        batch_op.drop_index(batch_op.f("ix_consult_sessions_status"))
        batch_op.drop_index(batch_op.f("ix_consult_sessions_retain_until"))
        batch_op.drop_index("ix_consult_sessions_queue")
        batch_op.drop_index(batch_op.f("ix_consult_sessions_expert_id"))
    op.drop_table("consult_sessions")
