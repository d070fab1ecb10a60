"""Which worker and job a crawl belongs to, from the settings `scrapy worker` gives it.

The worker starts each crawl with `-s AGGREGATOR_JOB_ID=<id>
-s AGGREGATOR_WORKER_HOST=<host> -s AGGREGATOR_WORKER_PID=<pid>`; the crawl
run writes them into its `crawl_runs` row (`worker_host`, `worker_pid`,
`job_id`). A crawl started any other way has none: all three are None.

Settings: `AGGREGATOR_JOB_ID`, `AGGREGATOR_WORKER_HOST`, `AGGREGATOR_WORKER_PID`.
"""

from __future__ import annotations

from typing import Any


def worker_identity(settings: Any) -> dict[str, Any]:
    """`{"worker_host", "worker_pid", "job_id"}` for the crawl_runs row (None when unset)."""
    pid = settings.getint("AGGREGATOR_WORKER_PID", 0)
    return {
        "worker_host": (settings.get("AGGREGATOR_WORKER_HOST") or None),
        "worker_pid": pid or None,
        "job_id": (str(settings.get("AGGREGATOR_JOB_ID") or "") or None),
    }
