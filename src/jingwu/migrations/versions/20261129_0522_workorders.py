"""workorders

Revision ID: 20261129_1001
Revises: 20261129_0001
Create Date: 2026-11-29 05:41:55.389371
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jingwu.migrations.ops import append_only, drop_append_only

revision: str = "20261129_1001"
down_revision: str | Sequence[str] | None = "20261129_0001"
branch_labels: str | Sequence[str] | None = ("workorders",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wo_day_counters",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_wo_day_counters_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("unit_id", "day", name=op.f("pk_wo_day_counters")),
    )
    op.create_table(
        "wo_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.String(length=1024), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed_by_id", sa.Integer(), nullable=True),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("codes", sa.JSON(), nullable=True),
        sa.Column("reinspection", sa.JSON(), nullable=True),
        sa.Column("home_visit", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["committed_by_id"], ["users.id"], name=op.f("fk_wo_draws_committed_by_id_users")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_wo_draws_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_draws")),
        sa.UniqueConstraint("unit_id", "month", name=op.f("uq_wo_draws_unit_id")),
    )
    op.create_table(
        "work_orders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=48), nullable=False),
        sa.Column("module", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=True),
        sa.Column("reporter_name", sa.String(length=1024), nullable=True),
        sa.Column("reporter_phone", sa.String(length=1024), nullable=True),
        sa.Column("reporter_id_number", sa.String(length=1024), nullable=True),
        sa.Column("reporter_phone_index", sa.String(length=64), nullable=True),
        sa.Column("minors_involved", sa.Boolean(), nullable=False),
        sa.Column("elderly_involved", sa.Boolean(), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("suggested_tier", sa.String(length=8), nullable=False),
        sa.Column("suggestion", sa.JSON(), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("triaged_by_id", sa.Integer(), nullable=True),
        sa.Column("sla", sa.JSON(), nullable=False),
        sa.Column("sla_provisional", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completion_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("escalation_level", sa.SmallInteger(), nullable=False),
        sa.Column("resolve_count", sa.Integer(), nullable=False),
        sa.Column("closure", sa.JSON(), nullable=True),
        sa.Column("transfer_to", sa.String(length=64), nullable=True),
        sa.Column("duplicate_of", sa.String(length=32), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_work_orders_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_work_orders_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["users.id"], name=op.f("fk_work_orders_received_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["users.id"], name=op.f("fk_work_orders_responsible_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["triaged_by_id"], ["users.id"], name=op.f("fk_work_orders_triaged_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_work_orders_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_orders")),
        sa.UniqueConstraint("code", name=op.f("uq_work_orders_code")),
    )
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_work_orders_address_received", ["address_key", "received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_work_orders_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_work_orders_next_due_at"), ["next_due_at"], unique=False
        )
        batch_op.create_index(
            "ix_work_orders_phone_received", ["reporter_phone_index", "received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_work_orders_resolved_at"), ["resolved_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_work_orders_responsible_id"), ["responsible_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_work_orders_source_ref"), ["source_ref"], unique=False)
        batch_op.create_index(
            "ix_work_orders_state_resolved_at", ["state", "resolved_at"], unique=False
        )
        batch_op.create_index(
            "ix_work_orders_unit_id_received_at", ["unit_id", "received_at"], unique=False
        )
        batch_op.create_index("ix_work_orders_unit_id_state", ["unit_id", "state"], unique=False)

    op.create_table(
        "wo_alerts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=16), nullable=False),
        sa.Column("percent", sa.SmallInteger(), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("crossed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("emitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_alerts_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_wo_alerts_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_alerts")),
        sa.UniqueConstraint("order_id", "clock", "percent", name=op.f("uq_wo_alerts_order_id")),
    )
    with op.batch_alter_table("wo_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_alerts_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "wo_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_wo_attachments_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["blob_sha256"], ["blobs.sha256"], name=op.f("fk_wo_attachments_blob_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_attachments_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_wo_attachments_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_attachments")),
    )
    with op.batch_alter_table("wo_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_attachments_order_id"), ["order_id"], unique=False)

    op.create_table(
        "wo_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("actor_unit_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_wo_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["actor_unit_id"], ["units.id"], name=op.f("fk_wo_events_actor_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_events_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_wo_events_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_events")),
        sa.UniqueConstraint("order_id", "seq", name=op.f("uq_wo_events_order_id")),
    )
    op.create_table(
        "wo_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_feedback_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_wo_feedback_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_wo_feedback_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_feedback")),
        sa.UniqueConstraint("order_id", "round", name=op.f("uq_wo_feedback_order_id")),
    )
    with op.batch_alter_table("wo_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_feedback_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "wo_mediations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=True),
        sa.Column("mediator_name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("agreement_text", sa.Text(), nullable=True),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["mediator_id"], ["users.id"], name=op.f("fk_wo_mediations_mediator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_wo_mediations_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_mediations_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_wo_mediations_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_mediations")),
        sa.UniqueConstraint("order_id", name=op.f("uq_wo_mediations_order_id")),
    )
    with op.batch_alter_table("wo_mediations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_mediations_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "wo_overdue",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("responsible_name", sa.String(length=64), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handling_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["users.id"], name=op.f("fk_wo_overdue_handled_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_overdue_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["users.id"], name=op.f("fk_wo_overdue_responsible_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_wo_overdue_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_overdue")),
        sa.UniqueConstraint("order_id", "clock", name=op.f("uq_wo_overdue_order_id")),
    )
    with op.batch_alter_table("wo_overdue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wo_overdue_responsible_id"), ["responsible_id"], unique=False
        )
        batch_op.create_index(
            "ix_wo_overdue_unit_id_deadline_at", ["unit_id", "deadline_at"], unique=False
        )

    op.create_table(
        "wo_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("target_unit_id", sa.Integer(), nullable=True),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_wo_tasks_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_wo_tasks_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_tasks_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["target_unit_id"], ["units.id"], name=op.f("fk_wo_tasks_target_unit_id_units")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_wo_tasks_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_tasks")),
    )
    with op.batch_alter_table("wo_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_tasks_order_id"), ["order_id"], unique=False)
        batch_op.create_index("ix_wo_tasks_status_due_at", ["status", "due_at"], unique=False)

    op.create_table(
        "wo_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["users.id"], name=op.f("fk_wo_follow_ups_done_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["mediation_id"],
            ["wo_mediations.id"],
            name=op.f("fk_wo_follow_ups_mediation_id_wo_mediations"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_wo_follow_ups_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_follow_ups")),
    )
    with op.batch_alter_table("wo_follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_follow_ups_due_at"), ["due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_wo_follow_ups_mediation_id"), ["mediation_id"], unique=False
        )

    op.create_table(
        "wo_mediation_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=1024), nullable=False),
        sa.Column("phone", sa.String(length=1024), nullable=True),
        sa.ForeignKeyConstraint(
            ["mediation_id"],
            ["wo_mediations.id"],
            name=op.f("fk_wo_mediation_parties_mediation_id_wo_mediations"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_wo_mediation_parties_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_mediation_parties")),
    )
    with op.batch_alter_table("wo_mediation_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wo_mediation_parties_mediation_id"), ["mediation_id"], unique=False
        )

    op.create_table(
        "wo_mediation_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mediation_id"],
            ["wo_mediations.id"],
            name=op.f("fk_wo_mediation_sessions_mediation_id_wo_mediations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_wo_mediation_sessions_recorded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_wo_mediation_sessions_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_mediation_sessions")),
    )
    with op.batch_alter_table("wo_mediation_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wo_mediation_sessions_mediation_id"), ["mediation_id"], unique=False
        )

    append_only("wo_events")


def downgrade() -> None:
    drop_append_only("wo_events")
    with op.batch_alter_table("wo_mediation_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_mediation_sessions_mediation_id"))

    op.drop_table("wo_mediation_sessions")
    with op.batch_alter_table("wo_mediation_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_mediation_parties_mediation_id"))

    op.drop_table("wo_mediation_parties")
    with op.batch_alter_table("wo_follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_follow_ups_mediation_id"))
        batch_op.drop_index(batch_op.f("ix_wo_follow_ups_due_at"))

    op.drop_table("wo_follow_ups")
    with op.batch_alter_table("wo_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_wo_tasks_status_due_at")
        batch_op.drop_index(batch_op.f("ix_wo_tasks_order_id"))

    op.drop_table("wo_tasks")
    with op.batch_alter_table("wo_overdue", schema=None) as batch_op:
        batch_op.drop_index("ix_wo_overdue_unit_id_deadline_at")
        batch_op.drop_index(batch_op.f("ix_wo_overdue_responsible_id"))

    op.drop_table("wo_overdue")
    with op.batch_alter_table("wo_mediations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_mediations_unit_id"))

    op.drop_table("wo_mediations")
    with op.batch_alter_table("wo_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_feedback_unit_id"))

    op.drop_table("wo_feedback")
    op.drop_table("wo_events")
    with op.batch_alter_table("wo_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_attachments_order_id"))

    op.drop_table("wo_attachments")
    with op.batch_alter_table("wo_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_alerts_unit_id"))

    op.drop_table("wo_alerts")
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_work_orders_unit_id_state")
        batch_op.drop_index("ix_work_orders_unit_id_received_at")
        batch_op.drop_index("ix_work_orders_state_resolved_at")
        batch_op.drop_index(batch_op.f("ix_work_orders_source_ref"))
        batch_op.drop_index(batch_op.f("ix_work_orders_responsible_id"))
        batch_op.drop_index(batch_op.f("ix_work_orders_resolved_at"))
        batch_op.drop_index("ix_work_orders_phone_received")
        batch_op.drop_index(batch_op.f("ix_work_orders_next_due_at"))
        batch_op.drop_index(batch_op.f("ix_work_orders_assignee_id"))
        batch_op.drop_index("ix_work_orders_address_received")

    op.drop_table("work_orders")
    op.drop_table("wo_draws")
    op.drop_table("wo_day_counters")
