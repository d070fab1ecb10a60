"""Distributed crawling: site-crawl jobs on procrastinate's PostgreSQL queue.

One job is one site crawl, run by a worker as its own `scrapy crawl <site>`
process. `broker` opens the queue, `runner` runs one job, `worker` is the
long-running worker, `schedule` decides which sites are due, `registry`
records live workers. Nothing here connects at import: `procrastinate` is
imported only when a queue command runs, so a plain `pip install -e .` and
SQLite crawls never need a queue. See docs/distributed.md.
"""
