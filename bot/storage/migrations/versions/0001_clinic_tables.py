"""The clinic's own tables: staff, handoffs, callbacks, reviews, audit log.

Written by hand to match ``bot/storage/models.py`` as of this revision; later
revisions must not import the models, whose shape will move on.

Revision ID: 0001
Revises:
Create Date: 2024-06-01 00:00:00+00:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _timestamp(name: str, nullable: bool) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _staff_fk(name: str, table: str, nullable: bool) -> sa.Column:
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey("clinic_staff_accounts.id", name=op.f(f"fk_{table}_{name}")),
        nullable=nullable,
    )


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "clinic_staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        _timestamp("created_at", nullable=False),
        _timestamp("last_login_at", nullable=True),
        sa.CheckConstraint(
            "role IN ('staff', 'admin')", name=op.f("ck_clinic_staff_accounts_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_staff_accounts")),
    )
    op.create_index(
        op.f("ix_clinic_staff_accounts_username"),
        "clinic_staff_accounts",
        ["username"],
        unique=True,
    )

    op.create_table(
        "clinic_handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        _timestamp("created_at", nullable=False),
        _staff_fk("claimed_by_id", "clinic_handoffs", nullable=True),
        _timestamp("claimed_at", nullable=True),
        _timestamp("closed_at", nullable=True),
        _staff_fk("closed_by_id", "clinic_handoffs", nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'claimed', 'closed')", name=op.f("ck_clinic_handoffs_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_handoffs")),
    )
    op.create_index(
        op.f("ix_clinic_handoffs_conversation_id"), "clinic_handoffs", ["conversation_id"]
    )
    op.create_index(
        op.f("ix_clinic_handoffs_queue"), "clinic_handoffs", ["status", "urgent", "created_at"]
    )

    op.create_table(
        "clinic_callback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("preferred_time", sa.String(120), nullable=False),
        _timestamp("consent_given_at", nullable=False),
        _timestamp("created_at", nullable=False),
        _timestamp("handled_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_callback_requests")),
    )
    op.create_index(
        op.f("ix_clinic_callback_requests_conversation_id"),
        "clinic_callback_requests",
        ["conversation_id"],
    )

    op.create_table(
        "clinic_review_annotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("correct_key", sa.String(64), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        _staff_fk("created_by_id", "clinic_review_annotations", nullable=False),
        _timestamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_review_annotations")),
        sa.UniqueConstraint("event_id", name=op.f("uq_clinic_review_annotations_event_id")),
    )
    op.create_index(
        op.f("ix_clinic_review_annotations_conversation_id"),
        "clinic_review_annotations",
        ["conversation_id"],
    )

    op.create_table(
        "clinic_reviewed_conversations",
        sa.Column("conversation_id", sa.String(255), nullable=False),
        _staff_fk("reviewed_by_id", "clinic_reviewed_conversations", nullable=False),
        _timestamp("reviewed_at", nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_clinic_reviewed_conversations")),
    )

    op.create_table(
        "clinic_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        _staff_fk("actor_id", "clinic_audit_log", nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(255), nullable=True),
        _timestamp("created_at", nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_audit_log")),
    )
    op.create_index(op.f("ix_clinic_audit_log_action"), "clinic_audit_log", ["action"])
    op.create_index(op.f("ix_clinic_audit_log_created_at"), "clinic_audit_log", ["created_at"])


def downgrade() -> None:
    """Drop the tables, those referring to staff accounts first."""
    for table in (
        "clinic_audit_log",
        "clinic_reviewed_conversations",
        "clinic_review_annotations",
        "clinic_callback_requests",
        "clinic_handoffs",
        "clinic_staff_accounts",
    ):
        op.drop_table(table)
