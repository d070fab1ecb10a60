"""Pure extraction: HTML in, raw article fields or listing entries out.

No Scrapy engine and no database here: `extract_article_html` and
`extract_listing_html` take plain values so that a worker process can run them;
`extract_article` and `extract_listing` are thin wrappers for Scrapy responses.
See docs/extraction.md for the layers and how to write site selectors.
"""

from aggregator.extract.article import extract_article, extract_article_html
from aggregator.extract.listing import ListingPage, extract_listing, extract_listing_html

__all__ = [
    "ListingPage",
    "extract_article",
    "extract_article_html",
    "extract_listing",
    "extract_listing_html",
]
