"""Issue 15 item 9 through the commands: one bad site file stops only that site.

Each test is named after the fault it guards against and failed on the code
before the fix (a URL that does not parse gave a traceback and exit 1 for
every command, the bad file's own site included).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from aggregator.demo.server import SiteServer
from tests.integration.test_operations import operator_settings, write_site
from tests.support import run_scrapy

BAD_URL = "http://[::1/x"


@pytest.fixture
def workdir(tmp_path: Path, server: SiteServer) -> Path:
    """A project with one good site on the fixture server and one bad site file."""
    operator_settings(tmp_path)
    write_site(tmp_path, "fixture_news", f"{server.url}/category/news/")
    write_site(tmp_path, "broken", BAD_URL)
    return tmp_path


def test_a_bad_site_file_does_not_break_crawling_another_site(workdir: Path) -> None:
    result = run_scrapy(["crawl", "fixture_news"], cwd=workdir, settings=operator_settings(workdir))
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["item_scraped_count"] >= 1
    assert "Traceback" not in result.log


def test_crawling_the_bad_site_is_one_usage_line_naming_file_and_key(workdir: Path) -> None:
    result = run_scrapy(["crawl", "broken"], cwd=workdir, settings=operator_settings(workdir))
    assert result.returncode == 2, result.log[-3000:]
    assert f"{workdir / 'sites' / 'broken.toml'}: key 'start_urls': '{BAD_URL}'" in result.log
    assert "Traceback" not in result.log


def test_a_bad_site_file_is_reported_by_list_which_still_lists_the_good_ones(
    workdir: Path,
) -> None:
    result = run_scrapy(["list"], cwd=workdir, settings=operator_settings(workdir))
    assert result.returncode == 2, result.log[-3000:]  # a usage error remains, and is named
    listed = result.log.splitlines()  # stdout (one name a line), then the log
    assert "fixture_news" in listed and "broken" not in listed
    assert f"{workdir / 'sites' / 'broken.toml'}: key 'start_urls'" in result.log
    assert "Traceback" not in result.log


def test_crawlall_crawls_the_good_sites_and_reports_the_bad_one(workdir: Path) -> None:
    result = run_scrapy(["crawlall"], cwd=workdir, settings=operator_settings(workdir))
    assert result.returncode == 1, result.log[-3000:]
    lines = result.log.splitlines()
    assert any(line.startswith("fixture_news") and " ok " in line for line in lines)
    assert any(line.startswith("broken") and "failed" in line and BAD_URL in line for line in lines)
    assert "Traceback" not in result.log


def test_a_url_argument_that_does_not_parse_is_a_usage_error(tmp_path: Path) -> None:
    for url in (BAD_URL, "http://127.0.0.1:99999/a/"):
        result = run_scrapy(["crawl", "news", "-a", f"url={url}"], cwd=tmp_path)
        assert result.returncode == 2, result.log[-3000:]
        assert "not a valid URL" in result.log and "Traceback" not in result.log


def test_a_fifo_in_the_sites_directory_does_not_hang_a_command(
    tmp_path: Path, server: SiteServer
) -> None:
    settings = operator_settings(tmp_path)
    write_site(tmp_path, "fixture_news", f"{server.url}/category/news/")
    os.mkfifo(tmp_path / "sites" / "x.toml")
    try:
        result = run_scrapy(["list"], cwd=tmp_path, settings=settings, timeout=60)
    except subprocess.TimeoutExpired:  # the fault itself: open() blocks on the FIFO
        pytest.fail("scrapy list hung on a FIFO named x.toml")
    assert result.returncode == 2, result.log[-3000:]
    assert "fixture_news" in result.log.splitlines()
    assert f"{tmp_path / 'sites' / 'x.toml'}: not a regular file" in result.log
