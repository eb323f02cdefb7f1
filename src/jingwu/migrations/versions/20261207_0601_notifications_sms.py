"""notifications: SMS delivery reports; deliveries know their unit and last report

Revision ID: 20261207_0601
Revises: 20261129_1002
Create Date: 2026-12-07 09:01:24.064595
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0601"
down_revision: str | Sequence[str] | None = "20261129_1002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sms_reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "delivery_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["notification_deliveries.id"],
            name=op.f("fk_sms_reports_delivery_id_notification_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_reports")),
    )
    with op.batch_alter_table("sms_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sms_reports_delivery_id"), ["delivery_id"], unique=False
        )

    with op.batch_alter_table("notification_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("report_status", sa.String(length=16), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_notification_deliveries_unit_id"), ["unit_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_deliveries_unit_id_units"), "units", ["unit_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("notification_deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notification_deliveries_unit_id_units"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_notification_deliveries_unit_id"))
        batch_op.drop_column("reported_at")
        batch_op.drop_column("report_status")
        batch_op.drop_column("unit_id")

    with op.batch_alter_table("sms_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_reports_delivery_id"))
    op.drop_table("sms_reports")
