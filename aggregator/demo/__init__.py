"""The bundled sample news site that `scrapy demo` serves and the tests crawl."""
