"""crawl_runs: which worker ran the crawl (host, pid) and for which queue job.

Set for crawls started by `scrapy worker` (docs/distributed.md); NULL for
crawls started by hand, cron or `crawlall`. `job_id` is indexed: a worker
that finds a job lost looks its runs up by it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("worker_host", sa.String(255), nullable=True))
        batch.add_column(sa.Column("worker_pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("job_id", sa.String(64), nullable=True))
    op.create_index("ix_crawl_runs_job_id", "crawl_runs", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_crawl_runs_job_id", table_name="crawl_runs")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("job_id")
        batch.drop_column("worker_pid")
        batch.drop_column("worker_host")
