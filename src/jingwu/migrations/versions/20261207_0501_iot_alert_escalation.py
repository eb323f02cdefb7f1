"""iot: alert escalation (the level an unacknowledged alert reached, when it climbs next)

Alerts open before this revision have no next escalation: only new alerts climb the ladder.

Revision ID: 20261207_0501
Revises: 20261207_0500
Create Date: 2026-12-07 05:01:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0501"
down_revision: str | Sequence[str] | None = "20261207_0500"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("iot_alerts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalation_level", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("next_escalation_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_iot_alerts_state_escalation", ["state", "next_escalation_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("iot_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_iot_alerts_state_escalation")
        batch_op.drop_column("next_escalation_at")
        batch_op.drop_column("escalation_level")
