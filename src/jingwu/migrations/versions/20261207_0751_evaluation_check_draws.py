"""evaluation checks: double-random draws and their outcomes

Revision ID: 20261207_0751
Revises: 20261207_0750
Create Date: 2026-12-07 07:51:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0751"
down_revision: str | Sequence[str] | None = "20261207_0750"
branch_labels: str | Sequence[str] | None = None
# Foreign keys to wo_draws (work orders); evidence_entries come through 20261207_0750.
depends_on: str | Sequence[str] | None = "20261129_1001"


def upgrade() -> None:
    op.create_table(
        "eval_check_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("quota", sa.String(length=16), nullable=False),
        sa.Column("team", sa.Integer(), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.String(length=1024), nullable=True),
        sa.Column("wo_draw_id", sa.Integer(), nullable=True),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed_by_id", sa.Integer(), nullable=True),
        sa.Column("evidence_item", sa.String(length=64), nullable=False),
        sa.Column(
            "commit_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("commit_log_index", sa.BigInteger(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drawn_by_id", sa.Integer(), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=True),
        sa.Column("checked", sa.JSON(), nullable=True),
        sa.Column("pairs", sa.JSON(), nullable=True),
        sa.Column(
            "record_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("record_log_index", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["commit_entry_id"],
            ["evidence_entries.id"],
            name=op.f("fk_eval_check_draws_commit_entry_id_evidence_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["committed_by_id"],
            ["users.id"],
            name=op.f("fk_eval_check_draws_committed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["drawn_by_id"], ["users.id"], name=op.f("fk_eval_check_draws_drawn_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["record_entry_id"],
            ["evidence_entries.id"],
            name=op.f("fk_eval_check_draws_record_entry_id_evidence_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_eval_check_draws_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["wo_draw_id"], ["wo_draws.id"], name=op.f("fk_eval_check_draws_wo_draw_id_wo_draws")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eval_check_draws")),
        sa.UniqueConstraint("code", name=op.f("uq_eval_check_draws_code")),
        sa.UniqueConstraint("kind", "unit_id", "period", name=op.f("uq_eval_check_draws_kind")),
        sa.UniqueConstraint("wo_draw_id", name=op.f("uq_eval_check_draws_wo_draw_id")),
    )
    with op.batch_alter_table("eval_check_draws", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_eval_check_draws_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "eval_check_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("follow_up_order", sa.String(length=64), nullable=True),
        sa.Column("inspector_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draw_id"],
            ["eval_check_draws.id"],
            name=op.f("fk_eval_check_outcomes_draw_id_eval_check_draws"),
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["users.id"], name=op.f("fk_eval_check_outcomes_inspector_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_eval_check_outcomes_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eval_check_outcomes")),
        sa.UniqueConstraint(
            "draw_id", "purpose", "target", name=op.f("uq_eval_check_outcomes_draw_id")
        ),
    )
    with op.batch_alter_table("eval_check_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eval_check_outcomes_draw_id"), ["draw_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_eval_check_outcomes_unit_id"), ["unit_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("eval_check_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eval_check_outcomes_unit_id"))
        batch_op.drop_index(batch_op.f("ix_eval_check_outcomes_draw_id"))

    op.drop_table("eval_check_outcomes")
    with op.batch_alter_table("eval_check_draws", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eval_check_draws_unit_id"))

    op.drop_table("eval_check_draws")
