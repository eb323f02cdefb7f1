"""workorders: the client's draft id of an order (a replayed draft becomes one order)

Revision ID: 20261207_0401
Revises: 20261129_1001
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0401"
down_revision: str | Sequence[str] | None = "20261129_1001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("work_orders", sa.Column("draft_id", sa.String(length=64), nullable=True))
    op.create_index("ix_work_orders_draft_id", "work_orders", ["draft_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_work_orders_draft_id", table_name="work_orders")
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_column("draft_id")
