"""aggregator: crawl news sites into one clean, deduplicated article database."""

__version__ = "0.1.0"
