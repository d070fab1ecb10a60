"""`scrapy crawlall`: which sites may crawl at the same time."""

from __future__ import annotations

import pytest

from aggregator.run.scheduler import shared_host


@pytest.mark.parametrize(
    ("one", "other", "shared"),
    [
        (["example.com"], ["example.com"], "example.com"),
        (["www.example.com"], ["example.com"], "example.com"),
        (["example.com"], ["news.example.com"], "example.com"),
        (["Example.COM."], ["example.com:8080"], "example.com"),
        (["127.0.0.1"], ["127.0.0.1:8080"], "127.0.0.1"),
        (["[::1]"], ["[::1]:8000"], "::1"),
        (["a.example", "example.com"], ["b.example", "www.example.com"], "example.com"),
        # Not the same host: a suffix is not a subdomain.
        (["notexample.com"], ["example.com"], None),
        (["example.com"], ["example.org"], None),
        (["127.0.0.1"], ["127.0.0.2"], None),
        ([""], ["example.com"], None),
    ],
)
def test_sites_share_a_host_when_equal_or_one_is_a_subdomain(
    one: list[str], other: list[str], shared: str | None
) -> None:
    assert shared_host(one, other) == shared
    assert shared_host(other, one) == shared
