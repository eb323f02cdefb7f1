"""open311 keys

Revision ID: 20261207_1410
Revises: 20261129_0001
Create Date: 2026-12-07 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_1410"
down_revision: str | Sequence[str] | None = "20261129_0001"
branch_labels: str | Sequence[str] | None = ("open311",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "open311_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("per_hour", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_open311_keys_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_open311_keys_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_keys_key_hash")),
    )
    with op.batch_alter_table("open311_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_keys_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "open311_key_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["open311_keys.id"], name=op.f("fk_open311_key_uses_key_id_open311_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_key_uses")),
    )
    with op.batch_alter_table("open311_key_uses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_key_uses_key_id"), ["key_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_open311_key_uses_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("open311_key_uses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open311_key_uses_at"))
        batch_op.drop_index(batch_op.f("ix_open311_key_uses_key_id"))
    op.drop_table("open311_key_uses")
    with op.batch_alter_table("open311_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open311_keys_unit_id"))
    op.drop_table("open311_keys")
