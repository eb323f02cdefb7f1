"""standard as versioned data: loaded versions, self-assessments, rectifications

Revision ID: 20261207_1100
Revises: 20261129_0001
Create Date: 2026-12-07 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_1100"
down_revision: str | Sequence[str] | None = "20261129_0001"
branch_labels: str | Sequence[str] | None = ("standard",)
depends_on: str | Sequence[str] | None = "20261207_0800"


def upgrade() -> None:
    op.create_table(
        "std_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=8), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["loaded_by_id"], ["users.id"], name=op.f("fk_std_versions_loaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_std_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_std_versions_version")),
    )
    op.create_table(
        "std_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=8), nullable=False),
        sa.Column("claims_met", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verify_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"], ["users.id"], name=op.f("fk_std_assessments_assessed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_std_assessments_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["users.id"], name=op.f("fk_std_assessments_verified_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_std_assessments")),
        sa.UniqueConstraint("unit_id", "requirement_id", name=op.f("uq_std_assessments_unit_id")),
    )
    with op.batch_alter_table("std_assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_std_assessments_unit_id"), ["unit_id"], unique=False)
    op.create_table(
        "std_assessment_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("evidence_kind", sa.String(length=32), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_std_assessment_files_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["std_assessments.id"],
            name=op.f("fk_std_assessment_files_assessment_id_std_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["blobs.sha256"],
            name=op.f("fk_std_assessment_files_blob_sha256_blobs"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_std_assessment_files_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_std_assessment_files")),
    )
    with op.batch_alter_table("std_assessment_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_std_assessment_files_assessment_id"), ["assessment_id"], unique=False
        )
    op.create_table(
        "std_rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=8), nullable=False),
        sa.Column("pdca_item_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_std_rectifications_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["pdca_item_id"],
            ["eval_pdca_items.id"],
            name=op.f("fk_std_rectifications_pdca_item_id_eval_pdca_items"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_std_rectifications_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_std_rectifications")),
        sa.UniqueConstraint("pdca_item_id", name=op.f("uq_std_rectifications_pdca_item_id")),
    )
    with op.batch_alter_table("std_rectifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_std_rectifications_unit_id"), ["unit_id"], unique=False
        )
    op.create_table(
        "std_rectification_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rectification_id", sa.Integer(), nullable=False),
        sa.Column("evidence_kind", sa.String(length=32), nullable=False),
        sa.Column("pdca_evidence_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pdca_evidence_id"],
            ["eval_pdca_evidence.id"],
            name=op.f("fk_std_rectification_files_pdca_evidence_id_eval_pdca_evidence"),
        ),
        sa.ForeignKeyConstraint(
            ["rectification_id"],
            ["std_rectifications.id"],
            name=op.f("fk_std_rectification_files_rectification_id_std_rectifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_std_rectification_files")),
    )
    with op.batch_alter_table("std_rectification_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_std_rectification_files_rectification_id"),
            ["rectification_id"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("std_rectification_files")
    op.drop_table("std_rectifications")
    op.drop_table("std_assessment_files")
    op.drop_table("std_assessments")
    op.drop_table("std_versions")
