"""Pure health logic: a run's figures (`figures`), the checks as a table (`rules`), the verdict.

Imports neither Scrapy nor SQLAlchemy, so every check is tested with
fabricated figures; the crawl run (`aggregator.run`) feeds it live stats and
past runs read from `crawl_runs`.
"""
