"""Index crawl_runs by site and start time, for `scrapy runs <site>` and the checks' history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_crawl_runs_site_started_at", "crawl_runs", ["site", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_crawl_runs_site_started_at", table_name="crawl_runs")
