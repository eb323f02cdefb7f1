"""sunshine: published dataset versions and cells

Revision ID: 20261207_1500
Revises: 20261129_0001
Create Date: 2026-12-07 19:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_1500"
down_revision: str | Sequence[str] | None = "20261129_0001"
branch_labels: str | Sequence[str] | None = ("sunshine",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pub_sunshine_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_month", sa.String(length=7), nullable=False),
        sa.Column("last_month", sa.String(length=7), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("csv_sha256", sa.String(length=64), nullable=False),
        sa.Column("json_body", sa.Text(), nullable=False),
        sa.Column("csv_body", sa.Text(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("withheld", sa.Integer(), nullable=False),
        sa.Column("evidence_item", sa.String(length=64), nullable=False),
        sa.Column("evidence_version", sa.Integer(), nullable=False),
        sa.Column("evidence_entry_id", sa.BigInteger(), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.Column("log_index", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pub_sunshine_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_pub_sunshine_versions_version")),
    )
    with op.batch_alter_table("pub_sunshine_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pub_sunshine_versions_content_sha256"), ["content_sha256"], unique=False
        )
    op.create_table(
        "pub_sunshine_cells",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("community", sa.String(length=12), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=48), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["pub_sunshine_versions.id"],
            name=op.f("fk_pub_sunshine_cells_version_id_pub_sunshine_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pub_sunshine_cells")),
    )
    with op.batch_alter_table("pub_sunshine_cells", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pub_sunshine_cells_lookup", ["version_id", "month", "community"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pub_sunshine_cells", schema=None) as batch_op:
        batch_op.drop_index("ix_pub_sunshine_cells_lookup")
    op.drop_table("pub_sunshine_cells")
    with op.batch_alter_table("pub_sunshine_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pub_sunshine_versions_content_sha256"))
    op.drop_table("pub_sunshine_versions")
