"""patrol routes and the situational map's viewport indexes

Revision ID: 20261207_1300
Revises: 20261129_0001
Create Date: 2026-12-07 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_1300"
down_revision: str | Sequence[str] | None = "20261129_0001"
branch_labels: str | Sequence[str] | None = ("patrol_routes",)
depends_on: str | Sequence[str] | None = "20261129_4000"  # iot_devices


def upgrade() -> None:
    op.create_table(
        "patrol_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("coords", sa.JSON(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("length_m", sa.Float(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_patrol_routes_imported_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_patrol_routes_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_routes")),
    )
    with op.batch_alter_table("patrol_routes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_patrol_routes_bbox", ["min_lon", "max_lon", "min_lat", "max_lat"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_patrol_routes_imported_at"), ["imported_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_patrol_routes_unit_id"), ["unit_id"], unique=False)
    # The map's viewport queries: devices by position.
    with op.batch_alter_table("iot_devices", schema=None) as batch_op:
        batch_op.create_index("ix_iot_devices_lon_lat", ["lon", "lat"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("iot_devices", schema=None) as batch_op:
        batch_op.drop_index("ix_iot_devices_lon_lat")
    with op.batch_alter_table("patrol_routes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patrol_routes_unit_id"))
        batch_op.drop_index(batch_op.f("ix_patrol_routes_imported_at"))
        batch_op.drop_index("ix_patrol_routes_bbox")
    op.drop_table("patrol_routes")
