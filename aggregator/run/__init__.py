"""The crawl run: one object that owns a crawl's lock, verdict, record, stats file and outcome."""
