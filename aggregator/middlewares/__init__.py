"""Scrapy middlewares of the project: incremental crawling backed by the store."""
