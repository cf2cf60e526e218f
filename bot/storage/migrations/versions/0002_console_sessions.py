"""Console sessions, sign-in throttling, staff presence, callback channel.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 00:00:00+00:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _timestamp(name: str, nullable: bool) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Add the tables and columns."""
    op.create_table(
        "clinic_staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "staff_id",
            sa.Integer(),
            sa.ForeignKey(
                "clinic_staff_accounts.id", name=op.f("fk_clinic_staff_sessions_staff_id")
            ),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _timestamp("created_at", nullable=False),
        _timestamp("last_seen_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_clinic_staff_sessions_token_hash")),
    )
    op.create_index(
        op.f("ix_clinic_staff_sessions_staff_id"), "clinic_staff_sessions", ["staff_id"]
    )
    op.create_table(
        "clinic_sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        _timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_sign_in_failures")),
    )
    op.create_index(
        op.f("ix_clinic_sign_in_failures_username"), "clinic_sign_in_failures", ["username"]
    )
    op.create_index(
        op.f("ix_clinic_sign_in_failures_created_at"), "clinic_sign_in_failures", ["created_at"]
    )
    with op.batch_alter_table("clinic_staff_accounts") as batch:
        batch.add_column(_timestamp("last_seen_at", nullable=True))
    with op.batch_alter_table("clinic_callback_requests") as batch:
        batch.add_column(sa.Column("channel", sa.String(32), nullable=True))
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    """Remove them again."""
    with op.batch_alter_table("clinic_callback_requests") as batch:
        batch.drop_column("language")
        batch.drop_column("channel")
    with op.batch_alter_table("clinic_staff_accounts") as batch:
        batch.drop_column("last_seen_at")
    op.drop_index(op.f("ix_clinic_sign_in_failures_created_at"), "clinic_sign_in_failures")
    op.drop_index(op.f("ix_clinic_sign_in_failures_username"), "clinic_sign_in_failures")
    op.drop_table("clinic_sign_in_failures")
    op.drop_index(op.f("ix_clinic_staff_sessions_staff_id"), "clinic_staff_sessions")
    op.drop_table("clinic_staff_sessions")
