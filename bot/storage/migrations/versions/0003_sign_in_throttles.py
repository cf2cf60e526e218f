"""Sign-in throttling: one atomic counter per username and per address.

Replaces the one-row-per-failure table, whose count-then-insert let
simultaneous attempts past the limit.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 00:00:00+00:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _timestamp(name: str, nullable: bool) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Add the counters; drop the failure rows (they only mattered for 15 minutes)."""
    op.create_table(
        "clinic_sign_in_throttles",
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("window_started_at", nullable=False),
        _timestamp("locked_at", nullable=True),
        sa.CheckConstraint(
            "scope IN ('username', 'address')", name=op.f("ck_clinic_sign_in_throttles_scope")
        ),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_clinic_sign_in_throttles")),
    )
    op.drop_index(op.f("ix_clinic_sign_in_failures_created_at"), "clinic_sign_in_failures")
    op.drop_index(op.f("ix_clinic_sign_in_failures_username"), "clinic_sign_in_failures")
    op.drop_table("clinic_sign_in_failures")


def downgrade() -> None:
    """Back to one row per failure (the counters are dropped)."""
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
    op.drop_table("clinic_sign_in_throttles")
