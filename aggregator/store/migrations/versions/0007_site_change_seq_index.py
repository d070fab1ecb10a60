"""Index articles by site and change_seq: one site's changes since the last poll.

`/api/articles?site=…&since=…`, the per-site feeds and a downstream reader that
polls one site walk this index instead of every change of every site.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_site_change_seq", "articles", ["site", "change_seq"])


def downgrade() -> None:
    op.drop_index("ix_articles_site_change_seq", table_name="articles")
