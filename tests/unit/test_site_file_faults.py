"""Issue 15 item 9: a site-file value that can never work is a load error naming file and key.

Each test is named after the fault it guards against; each failed on the code
before the fix (a traceback, a hang, or a silently accepted value).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from aggregator import site_files
from aggregator.site_files import load_site_file
from aggregator.sites import SiteConfigError


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(SiteConfigError) as caught:
        load_site_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("url", "problem"),
    [("http://[::1/x", "Invalid IPv6 URL"), ("http://127.0.0.1:99999/a/", "Port out of range")],
)
def test_a_start_url_that_does_not_parse_is_refused_naming_the_key(
    tmp_path: Path, url: str, problem: str
) -> None:
    message = refused(write(tmp_path, "bad", f'start_urls = ["{url}"]\n'))
    assert "key 'start_urls'" in message and problem in message


def test_a_feed_url_with_a_port_out_of_range_is_refused(tmp_path: Path) -> None:
    text = 'start_urls = ["http://a.example/"]\nfeeds = ["http://a.example:70000/rss"]\n'
    assert "key 'feeds'" in refused(write(tmp_path, "bad", text))


def test_an_array_nested_5000_deep_is_refused_without_a_recursion_error(tmp_path: Path) -> None:
    text = 'start_urls = ["http://a.example/"]\nx = ' + "[" * 5000 + "]" * 5000 + "\n"
    assert "nested too deeply" in refused(write(tmp_path, "deep", text))


def test_a_table_nested_deeper_than_a_site_file_needs_is_refused(tmp_path: Path) -> None:
    text = 'start_urls = ["http://a.example/"]\nchecks = ' + "[" * 20 + "]" * 20 + "\n"
    assert "key 'checks': nested more than" in refused(write(tmp_path, "deep", text))


@pytest.mark.parametrize(
    ("key", "value"),
    [("max_error_rate", "nan"), ("min_articles", "inf"), ("max_listing_without_links", "+nan")],
)
def test_a_nan_or_infinite_check_threshold_is_refused(tmp_path: Path, key: str, value: str) -> None:
    text = f'start_urls = ["http://a.example/"]\n[checks]\n{key} = {value}\n'
    message = refused(write(tmp_path, "checked", text))
    assert message.endswith(
        f"key 'checks.{key}': expected a finite number or false, got {value.lstrip('+')}"
    )


@pytest.mark.parametrize("domain", ["*", "*.example.com", "http://a.example", "a.example:80", ""])
def test_a_domain_pattern_in_allowed_domains_is_refused(tmp_path: Path, domain: str) -> None:
    text = f'start_urls = ["http://a.example/"]\nallowed_domains = ["{domain}"]\n'
    assert "key 'allowed_domains'" in refused(write(tmp_path, "domains", text))


def test_plain_host_names_and_addresses_stay_allowed(tmp_path: Path) -> None:
    text = 'start_urls = ["http://a.example/"]\nallowed_domains = ["a.example", "127.0.0.2"]\n'
    assert load_site_file(write(tmp_path, "ok", text)).allowed_domains == ("a.example", "127.0.0.2")


@pytest.mark.parametrize("length", [101, 250])
def test_a_site_name_longer_than_the_database_column_is_refused(
    tmp_path: Path, length: int
) -> None:
    path = write(tmp_path, "a" * length, 'start_urls = ["http://a.example/"]\n')
    message = refused(path)
    assert "key 'name'" in message and "at most 100" in message


def test_a_fifo_named_like_a_site_file_is_refused_without_hanging(tmp_path: Path) -> None:
    write(tmp_path, "good", 'start_urls = ["http://a.example/"]\n')
    os.mkfifo(tmp_path / "x.toml")
    found: list[object] = []
    # A thread, so that the old behaviour (open() blocking on the FIFO) fails the test
    # instead of hanging the suite.
    reader = threading.Thread(
        target=lambda: found.append(site_files.read_sites(tmp_path)), daemon=True
    )
    reader.start()
    reader.join(timeout=30)
    assert found, "reading the sites directory blocked on a FIFO"
    (sites,) = found
    assert list(sites.sites) == ["good"]  # type: ignore[attr-defined]
    assert sites.problems == {"x": f"{tmp_path / 'x.toml'}: not a regular file"}  # type: ignore[attr-defined]


def test_one_bad_site_file_leaves_the_others_readable(tmp_path: Path) -> None:
    write(tmp_path, "good", 'start_urls = ["http://a.example/"]\n')
    write(tmp_path, "bad", 'start_urls = ["http://[::1/x"]\n')
    sites = site_files.read_sites(tmp_path)
    assert list(sites.sites) == ["good"]
    assert "key 'start_urls'" in sites.problems["bad"]
