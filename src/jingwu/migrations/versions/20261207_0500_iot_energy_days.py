"""iot: energy days (each meter register's rise per local day, from the raw readings)

Revision ID: 20261207_0500
Revises: 20261129_4000
Create Date: 2026-12-07 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0500"
down_revision: str | Sequence[str] | None = "20261129_4000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "iot_energy_days",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kwh", sa.Float(), nullable=False),
        sa.Column("readings", sa.Integer(), nullable=False),
        sa.Column("discontinuities", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "metric", "day", name=op.f("pk_iot_energy_days")),
    )
    with op.batch_alter_table("iot_energy_days", schema=None) as batch_op:
        batch_op.create_index("ix_iot_energy_days_day", ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("iot_energy_days", schema=None) as batch_op:
        batch_op.drop_index("ix_iot_energy_days_day")
    op.drop_table("iot_energy_days")
