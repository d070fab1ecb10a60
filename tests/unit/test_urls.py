"""Canonical URLs: every form of one article maps to one string, different pages stay apart."""

from __future__ import annotations

import pytest

from aggregator.urls import (
    canonical_url,
    is_section_of,
    is_tracking_param,
    registered_host,
    site_host,
)

BASE = "https://news.example.com/2024/07/05/story"


@pytest.mark.parametrize(
    "form",
    [
        "https://news.example.com/2024/07/05/story/",
        "https://news.example.com/2024/07/05/story",
        "HTTPS://News.Example.com/2024/07/05/story/",
        "https://news.example.com:443/2024/07/05/story/",
        "https://news.example.com/2024/07/05/story/?utm_source=twitter&utm_medium=social",
        "https://news.example.com/2024/07/05/story/?fbclid=IwAR0abc",
        "https://news.example.com/2024/07/05/story/?gclid=xyz#comments",
        "https://news.example.com/2024/07/05/story/amp/",
        "https://news.example.com/2024/07/05/story/?amp=1",
        "https://amp.news.example.com/2024/07/05/story/",
        "  https://news.example.com/2024/07/05/story/  ",
    ],
)
def test_forms_of_one_article_share_a_canonical_url(form: str) -> None:
    assert canonical_url(form) == BASE


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://news.example.com/story?id=1", "https://news.example.com/story?id=2"),
        ("https://news.example.com/a/story", "https://news.example.com/b/story"),
        ("http://127.0.0.1:8080/story", "http://127.0.0.1:8081/story"),
    ],
)
def test_different_pages_stay_different(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


def test_query_order_does_not_matter_and_real_parameters_stay() -> None:
    assert (
        canonical_url("https://x.example/p?b=2&a=1&utm_campaign=c") == "https://x.example/p?a=1&b=2"
    )


def test_the_root_keeps_its_slash_and_garbage_does_not_raise() -> None:
    assert canonical_url("https://x.example") == "https://x.example/"
    assert canonical_url("not a url") == "not a url"
    assert canonical_url("http://[::1") == "http://[::1"


def test_tracking_parameters_and_hosts() -> None:
    assert is_tracking_param("utm_source") and is_tracking_param("FBCLID")
    assert not is_tracking_param("id") and not is_tracking_param("page")
    assert registered_host("https://WWW.Example.com/x") == "example.com"
    assert registered_host("::") == ""


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.example.com/a", "https://example.com/b", True),
        ("https://amp.example.com/a", "https://www.example.com/a", True),
        ("https://m.example.com/a", "https://example.com/a", True),
        ("https://mobile.example.com/a", "https://example.com/a", True),
        ("https://news.example.com/a", "https://example.com/a", False),
        ("https://example.org/a", "https://example.com/a", False),
        # A site whose whole name is "m.com" or "amp.dev" is not a mobile edition of "com".
        ("https://amp.dev/a", "https://dev/a", False),
    ],
)
def test_editions_of_one_site_share_a_site_host(a: str, b: str, same: bool) -> None:
    assert (site_host(a) == site_host(b)) is same


@pytest.mark.parametrize(
    ("candidate", "url", "section"),
    [
        ("https://x.example/", "https://x.example/news/story", True),
        ("https://x.example/news/", "https://x.example/news/2024/story", True),
        ("https://x.example/news/2024/story", "https://x.example/news/2024/story/", False),
        ("https://x.example/news/other-story", "https://x.example/news/story", False),
        ("https://x.example/newsroom/story", "https://x.example/news/story", False),
    ],
)
def test_a_section_above_the_article_is_recognised(candidate: str, url: str, section: bool) -> None:
    assert is_section_of(candidate, url) is section


def test_ipv6_hosts_keep_their_brackets() -> None:
    assert canonical_url("http://[::1]:8080/a/") == "http://[::1]:8080/a"
    assert canonical_url("http://[2001:DB8::1]/a/?utm_source=x") == "http://[2001:db8::1]/a"


def test_query_values_that_are_not_utf8_stay_apart() -> None:
    assert canonical_url("https://x.example/p?id=%fe") != canonical_url(
        "https://x.example/p?id=%ff"
    )
    assert canonical_url("https://x.example/p?utm%5Fsource=a&id=%fe") == canonical_url(
        "https://x.example/p?id=%fe"
    )
