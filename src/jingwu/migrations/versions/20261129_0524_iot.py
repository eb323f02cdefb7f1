"""iot: devices, gateways, readings (partitioned by day on PostgreSQL), events, rollups, alerts

Revision ID: 20261129_4000
Revises: 20261129_0001
Create Date: 2026-11-29 05:24:52
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_4000"
down_revision: str | Sequence[str] | None = "20261129_0001"
branch_labels: str | Sequence[str] | None = ("iot",)
depends_on: str | Sequence[str] | None = None

# Daily partitions of iot_readings live in their own schema (created at run time by
# jingwu.iot.partitions), so schema comparisons of the public schema do not see them.
PARTITION_SCHEMA = "iot_part"


def upgrade() -> None:
    op.create_table(
        "iot_cursors",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("position_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_iot_cursors")),
    )
    op.create_table(
        "iot_dead_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_ms", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("boot", sa.String(length=64), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iot_dead_letters")),
    )
    with op.batch_alter_table("iot_dead_letters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_iot_dead_letters_device_id"), ["device_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_iot_dead_letters_reason"), ["reason"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_iot_dead_letters_received_ms"), ["received_ms"], unique=False
        )

    op.create_table(
        "iot_events",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("ts_ms", sa.BigInteger(), nullable=False),
        sa.Column("boot", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("received_ms", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("alarm", sa.Boolean(), nullable=False),
        sa.Column("attrs", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "ts_ms", "boot", "seq", name=op.f("pk_iot_events")),
    )
    with op.batch_alter_table("iot_events", schema=None) as batch_op:
        batch_op.create_index("ix_iot_events_received_ms", ["received_ms"], unique=False)

    op.create_table(
        "iot_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("boot", sa.String(length=64), nullable=False),
        sa.Column("seq_from", sa.BigInteger(), nullable=False),
        sa.Column("seq_to", sa.BigInteger(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iot_gaps")),
    )
    with op.batch_alter_table("iot_gaps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_iot_gaps_detected_at"), ["detected_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_iot_gaps_device_id"), ["device_id"], unique=False)

    op.create_table(
        "iot_readings",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("ts_ms", sa.BigInteger(), nullable=False),
        sa.Column("boot", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("received_ms", sa.BigInteger(), nullable=False),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "ts_ms", "boot", "seq", name=op.f("pk_iot_readings")),
        postgresql_partition_by="RANGE (ts_ms)",
    )
    with op.batch_alter_table("iot_readings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_iot_readings_received_ms", ["received_ms"], unique=False, postgresql_using="brin"
        )

    op.create_table(
        "iot_rollup_hour",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("bucket_ms", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "device_id", "metric", "bucket_ms", name=op.f("pk_iot_rollup_hour")
        ),
    )
    op.create_table(
        "iot_rollup_minute",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("bucket_ms", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "device_id", "metric", "bucket_ms", name=op.f("pk_iot_rollup_minute")
        ),
    )
    op.create_table(
        "iot_rule_state",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("rule_code", sa.String(length=64), nullable=False),
        sa.Column("last_alert_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_alert_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("device_id", "rule_code", name=op.f("pk_iot_rule_state")),
    )
    op.create_table(
        "iot_sequences",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("boot", sa.String(length=64), nullable=False),
        sa.Column("ranges", sa.Text(), nullable=False),
        sa.Column("stored", sa.BigInteger(), nullable=False),
        sa.Column("missing", sa.BigInteger(), nullable=False),
        sa.Column("duplicates", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.BigInteger(), nullable=False),
        sa.Column("first_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "boot", name=op.f("pk_iot_sequences")),
    )
    with op.batch_alter_table("iot_sequences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_iot_sequences_last_ms"), ["last_ms"], unique=False)

    op.create_table(
        "iot_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("device_class", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("indoor_zone", sa.String(length=64), nullable=False),
        sa.Column("installed_on", sa.Date(), nullable=True),
        sa.Column("credential_hash", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_iot_devices_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iot_devices")),
        sa.UniqueConstraint("code", name=op.f("uq_iot_devices_code")),
    )
    with op.batch_alter_table("iot_devices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_iot_devices_device_class"), ["device_class"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_iot_devices_last_seen_at"), ["last_seen_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_iot_devices_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_iot_devices_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "iot_gateways",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("credential_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_iot_gateways_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iot_gateways")),
        sa.UniqueConstraint("code", name=op.f("uq_iot_gateways_code")),
    )
    with op.batch_alter_table("iot_gateways", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_iot_gateways_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "iot_gateway_devices",
        sa.Column("gateway_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["iot_devices.id"],
            name=op.f("fk_iot_gateway_devices_device_id_iot_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["gateway_id"],
            ["iot_gateways.id"],
            name=op.f("fk_iot_gateway_devices_gateway_id_iot_gateways"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("gateway_id", "device_id", name=op.f("pk_iot_gateway_devices")),
    )
    with op.batch_alter_table("iot_gateway_devices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_iot_gateway_devices_device_id"), ["device_id"], unique=False
        )

    op.create_table(
        "iot_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("rule_code", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("observed_ms", sa.BigInteger(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("reason_zh", sa.String(length=300), nullable=False),
        sa.Column("reason_en", sa.String(length=300), nullable=False),
        sa.Column("label_zh", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("work_order_ref", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"], ["users.id"], name=op.f("fk_iot_alerts_acknowledged_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["iot_devices.id"], name=op.f("fk_iot_alerts_device_id_iot_devices")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["users.id"], name=op.f("fk_iot_alerts_resolved_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_iot_alerts_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iot_alerts")),
    )
    with op.batch_alter_table("iot_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_iot_alerts_device_id"), ["device_id"], unique=False)
        batch_op.create_index("ix_iot_alerts_state_raised", ["state", "raised_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_iot_alerts_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "iot_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_iot_rules_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_iot_rules_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iot_rules")),
        sa.UniqueConstraint("code", "scope", name=op.f("uq_iot_rules_code")),
    )
    with op.batch_alter_table("iot_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_iot_rules_unit_id"), ["unit_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {PARTITION_SCHEMA}")
        op.execute(
            f"CREATE TABLE {PARTITION_SCHEMA}.iot_readings_default "
            "PARTITION OF iot_readings DEFAULT"
        )


def downgrade() -> None:
    with op.batch_alter_table("iot_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iot_rules_unit_id"))

    op.drop_table("iot_rules")
    with op.batch_alter_table("iot_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iot_alerts_unit_id"))
        batch_op.drop_index("ix_iot_alerts_state_raised")
        batch_op.drop_index(batch_op.f("ix_iot_alerts_device_id"))

    op.drop_table("iot_alerts")
    with op.batch_alter_table("iot_gateway_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iot_gateway_devices_device_id"))

    op.drop_table("iot_gateway_devices")
    with op.batch_alter_table("iot_gateways", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iot_gateways_unit_id"))

    op.drop_table("iot_gateways")
    with op.batch_alter_table("iot_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iot_devices_unit_id"))
        batch_op.drop_index(batch_op.f("ix_iot_devices_status"))
        batch_op.drop_index(batch_op.f("ix_iot_devices_last_seen_at"))
        batch_op.drop_index(batch_op.f("ix_iot_devices_device_class"))

    op.drop_table("iot_devices")
    with op.batch_alter_table("iot_sequences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iot_sequences_last_ms"))

    op.drop_table("iot_sequences")
    op.drop_table("iot_rule_state")
    op.drop_table("iot_rollup_minute")
    op.drop_table("iot_rollup_hour")
    with op.batch_alter_table("iot_readings", schema=None) as batch_op:
        batch_op.drop_index("ix_iot_readings_received_ms", postgresql_using="brin")

    op.drop_table("iot_readings")
    with op.batch_alter_table("iot_gaps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iot_gaps_device_id"))
        batch_op.drop_index(batch_op.f("ix_iot_gaps_detected_at"))

    op.drop_table("iot_gaps")
    with op.batch_alter_table("iot_events", schema=None) as batch_op:
        batch_op.drop_index("ix_iot_events_received_ms")

    op.drop_table("iot_events")
    with op.batch_alter_table("iot_dead_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iot_dead_letters_received_ms"))
        batch_op.drop_index(batch_op.f("ix_iot_dead_letters_reason"))
        batch_op.drop_index(batch_op.f("ix_iot_dead_letters_device_id"))

    op.drop_table("iot_dead_letters")
    op.drop_table("iot_cursors")

    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP SCHEMA IF EXISTS {PARTITION_SCHEMA} CASCADE")
