"""listing_chains: how deep each site's listing pagination has been walked, and when.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listing_chains",
        sa.Column("site", sa.String(100), nullable=False),
        sa.Column("start_url", sa.String(2048), nullable=False),
        sa.Column("walked_depth", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("stop_reason", sa.String(16), nullable=True),
        sa.Column("walked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("walking_since", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("site", "start_url", name=op.f("pk_listing_chains")),
    )


def downgrade() -> None:
    op.drop_table("listing_chains")
