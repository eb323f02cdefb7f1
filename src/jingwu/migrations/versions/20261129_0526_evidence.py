"""evidence: items, log entries and queue, Merkle tree, checkpoints, witnesses, scrubs

Revision ID: 20261129_2001
Revises: 20261129_0001
Create Date: 2026-11-29 05:26:08.018806
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jingwu.migrations.ops import append_only, drop_append_only

revision: str = "20261129_2001"
down_revision: str | Sequence[str] | None = "20261129_0001"
branch_labels: str | Sequence[str] | None = ("evidence",)
depends_on: str | Sequence[str] | None = None

# The log itself: rows are written once and never changed (the queue and head are not).
APPEND_ONLY = (
    "evidence_entries",
    "evidence_leaves",
    "evidence_nodes",
    "evidence_checkpoints",
    "evidence_cosignatures",
    "evidence_scrubs",
)


def upgrade() -> None:
    op.create_table(
        "evidence_checkpoints",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_checkpoints")),
        sa.UniqueConstraint("size", name=op.f("uq_evidence_checkpoints_size")),
    )
    with op.batch_alter_table("evidence_checkpoints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_checkpoints_signed_at"), ["signed_at"], unique=False
        )

    op.create_table(
        "evidence_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_head")),
    )
    op.create_table(
        "evidence_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_evidence_nodes")),
    )
    op.create_table(
        "evidence_scrubs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entries_checked", sa.BigInteger(), nullable=False),
        sa.Column("files_checked", sa.BigInteger(), nullable=False),
        sa.Column("nodes_checked", sa.BigInteger(), nullable=False),
        sa.Column("entry_cursor", sa.BigInteger(), nullable=False),
        sa.Column("node_level", sa.Integer(), nullable=False),
        sa.Column("node_cursor", sa.BigInteger(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_scrubs")),
    )
    with op.batch_alter_table("evidence_scrubs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_scrubs_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "evidence_witnesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("vkey", sa.String(length=512), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_witnesses")),
        sa.UniqueConstraint("name", name=op.f("uq_evidence_witnesses_name")),
    )
    op.create_table(
        "evidence_cosignatures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "checkpoint_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("witness_id", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"],
            ["evidence_checkpoints.id"],
            name=op.f("fk_evidence_cosignatures_checkpoint_id_evidence_checkpoints"),
        ),
        sa.ForeignKeyConstraint(
            ["witness_id"],
            ["evidence_witnesses.id"],
            name=op.f("fk_evidence_cosignatures_witness_id_evidence_witnesses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_cosignatures")),
        sa.UniqueConstraint(
            "checkpoint_id", "witness_id", name=op.f("uq_evidence_cosignatures_checkpoint_id")
        ),
    )
    with op.batch_alter_table("evidence_cosignatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_cosignatures_witness_id"), ["witness_id"], unique=False
        )

    op.create_table(
        "evidence_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("order_code", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_evidence_items_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_evidence_items_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_items")),
        sa.UniqueConstraint("code", name=op.f("uq_evidence_items_code")),
        sa.UniqueConstraint("order_code", "seq", name=op.f("uq_evidence_items_order_code")),
    )
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_items_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "evidence_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("order_code", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_held", sa.Boolean(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["evidence_items.id"],
            name=op.f("fk_evidence_entries_item_id_evidence_items"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_evidence_entries_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_entries")),
        sa.UniqueConstraint("item_id", "version", name=op.f("uq_evidence_entries_item_id")),
        sa.UniqueConstraint("order_code", "sha256", name=op.f("uq_evidence_entries_order_code")),
    )
    op.create_table(
        "evidence_leaves",
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["evidence_entries.id"],
            name=op.f("fk_evidence_leaves_entry_id_evidence_entries"),
        ),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_evidence_leaves")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_evidence_leaves_entry_id")),
    )
    op.create_table(
        "evidence_queue",
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["evidence_entries.id"],
            name=op.f("fk_evidence_queue_entry_id_evidence_entries"),
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_evidence_queue")),
    )

    for table in APPEND_ONLY:
        append_only(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        drop_append_only(table)
    op.drop_table("evidence_queue")
    op.drop_table("evidence_leaves")
    op.drop_table("evidence_entries")
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_items_unit_id"))

    op.drop_table("evidence_items")
    with op.batch_alter_table("evidence_cosignatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_cosignatures_witness_id"))

    op.drop_table("evidence_cosignatures")
    op.drop_table("evidence_witnesses")
    with op.batch_alter_table("evidence_scrubs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_scrubs_started_at"))

    op.drop_table("evidence_scrubs")
    op.drop_table("evidence_nodes")
    op.drop_table("evidence_head")
    with op.batch_alter_table("evidence_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_checkpoints_signed_at"))

    op.drop_table("evidence_checkpoints")
