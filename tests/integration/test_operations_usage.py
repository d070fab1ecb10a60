"""Bad command lines end in one clear line and exit status 2, never in a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.demo.server import SiteServer
from aggregator.store.spool import SpoolFile
from tests.integration.test_operations import operator_settings, write_site
from tests.support import CrawlResult, news_crawl_args, run_scrapy
from tests.unit.test_store_spool import article


def assert_usage_error(result: CrawlResult, message: str) -> None:
    assert result.returncode == 2, result.log[-3000:]
    assert "Traceback" not in result.log and "Task exception" not in result.log
    errors = [line for line in result.log.splitlines() if ": error: " in line]
    assert len(errors) == 1 and message in errors[0], result.log[-3000:]
    assert "Spider opened" not in result.log


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nosuch"], "unknown spider 'nosuch'; `scrapy list` names them"),
        (["news"], "scrapy crawl news -a: key 'start_urls': missing"),
        (
            ["news", "-a", "url=http://127.0.0.1:9/", "-a", "site=Bad"],
            "'Bad' must be snake_case",
        ),
        (
            ["news", "-a", "url=http://127.0.0.1:9/", "-a", "max_pages=lots"],
            "key 'max_pages'",
        ),
        (
            ["news", "-a", "url=http://127.0.0.1:9/", "-a", "colour=blue"],
            "key 'colour': unknown key",
        ),
    ],
)
def test_bad_crawl_arguments_are_one_line(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    result = run_scrapy(["crawl", *arguments], cwd=tmp_path, settings=operator_settings(tmp_path))
    assert_usage_error(result, message)


def test_a_site_spider_refuses_arguments_it_would_ignore(tmp_path: Path) -> None:
    settings = operator_settings(tmp_path)
    write_site(tmp_path, "fixture_news", "http://127.0.0.1:9/category/news/")
    result = run_scrapy(
        ["crawl", "fixture_news", "-a", "max_pages=1"], cwd=tmp_path, settings=settings
    )
    assert_usage_error(
        result,
        f"-a max_pages: the site spider fixture_news takes its settings from "
        f"{tmp_path / 'sites' / 'fixture_news.toml'}",
    )


def test_scrapyd_job_arguments_are_ignored(tmp_path: Path, server: SiteServer) -> None:
    settings = operator_settings(tmp_path)
    generic = run_scrapy(
        [*news_crawl_args(server), "-a", "_job=abc123"], cwd=tmp_path, settings=settings
    )
    assert generic.returncode == 0, generic.log[-3000:]
    assert generic.stats["item_scraped_count"] > 0
    write_site(tmp_path, "fixture_news", f"{server.url}/category/news/")
    site = run_scrapy(
        ["crawl", "fixture_news", "-a", "_job=def456"], cwd=tmp_path, settings=settings
    )
    assert site.returncode == 0, site.log[-3000:]
    found = site.stats.get("item_scraped_count", 0)
    assert found + site.stats.get("aggregator/incremental/skipped", 0) > 0


BAD_DATABASE_URLS = [
    # The driver (MySQLdb) is not installed: it raised in three spider_closed handlers.
    (
        "mysql://crawler:Sw0rdfish-7c1e@127.0.0.1/news",
        "the driver for mysql (mysqldb) is not installed",
    ),
    ("notaurl", "not a database URL"),
    ("nosuchdb://127.0.0.1/news", "unknown kind of database 'nosuchdb'"),
]


@pytest.mark.parametrize(("url", "message"), BAD_DATABASE_URLS)
@pytest.mark.parametrize("command", ["crawl", "crawlall"])
def test_a_bad_database_url_is_one_line_before_crawling(
    command: str, url: str, message: str, tmp_path: Path
) -> None:
    settings = {**operator_settings(tmp_path), "AGGREGATOR_DATABASE_URL": url}
    write_site(tmp_path, "fixture_news", "http://127.0.0.1:9/category/news/")
    arguments = ["crawl", "fixture_news"] if command == "crawl" else ["crawlall"]
    result = run_scrapy(arguments, cwd=tmp_path, settings=settings)
    assert_usage_error(result, f"setting AGGREGATOR_DATABASE_URL: {message}")
    assert "Sw0rdfish-7c1e" not in result.log


@pytest.mark.parametrize(("url", "message"), BAD_DATABASE_URLS)
@pytest.mark.parametrize("command", [["db", "current"], ["db", "replay"], ["runs"], ["sites"]])
def test_commands_refuse_a_bad_database_url_in_one_line(
    command: list[str], url: str, message: str, tmp_path: Path
) -> None:
    settings = operator_settings(tmp_path)
    result = run_scrapy([*command, "--database", url], cwd=tmp_path, settings=settings)
    assert_usage_error(result, f"--database: {message}")
    assert "Sw0rdfish-7c1e" not in result.log


def test_db_upgrade_to_an_unknown_revision_is_one_line(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'news.db'}"
    result = run_scrapy(["db", "upgrade", "bogus", "--database", database], cwd=tmp_path)
    assert_usage_error(result, "revision 'bogus'")


@pytest.mark.parametrize("command", ["crawl", "crawlall", "db", "runs", "sites"])
def test_help_has_only_its_own_headings(command: str, tmp_path: Path) -> None:
    """Scrapy turns any help line ending in ':' into a heading; a wrapped one breaks the page."""
    result = run_scrapy([command, "-h"], cwd=tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    lines = [line.strip() for line in result.log.splitlines()]
    rules = ({"="}, {"-"})
    headings = [lines[i - 1] for i in range(1, len(lines)) if set(lines[i]) in rules]
    assert headings == ["Usage", "Options", "Global Options"], result.log


def test_crawlall_help_and_concurrency(tmp_path: Path) -> None:
    shown = run_scrapy(["crawlall", "-h"], cwd=tmp_path).log
    assert "default from" in shown and "AGGREGATOR_CRAWLALL_CONCURRENCY" in shown
    assert "never crawl at the same time" in " ".join(shown.split())
    settings = operator_settings(tmp_path)
    zero = run_scrapy(["crawlall", "--concurrency", "0"], cwd=tmp_path, settings=settings)
    assert_usage_error(zero, "--concurrency must be 1 or more")
    settings["AGGREGATOR_CRAWLALL_CONCURRENCY"] = "0"
    setting = run_scrapy(["crawlall"], cwd=tmp_path, settings=settings)
    assert_usage_error(setting, "setting AGGREGATOR_CRAWLALL_CONCURRENCY must be 1 or more")


def test_db_replay_says_what_it_left_and_why(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    killed = SpoolFile.create(spool, "killed_crawl")
    killed.append(article(1))
    killed.close()
    with killed.path.open("ab") as torn:  # what a kill in the middle of a write leaves
        torn.write(b'{"format":1,"item":{"url":"https://exa')
    running = SpoolFile.create(spool, "running_crawl")  # held, as a running crawl holds it
    running.append(article(2))
    database = f"sqlite:///{tmp_path / 'news.db'}"
    try:
        result = run_scrapy(
            ["db", "replay", "--database", database, "--spool", str(spool)], cwd=tmp_path
        )
    finally:
        running.close()
    # Neither is for the operator to act on: exit 0, and the output says why.
    assert result.returncode == 0, result.log[-3000:]
    output = " ".join(result.log.split())
    assert f"Replayed 1 articles from 1 spool files in {spool}" in output
    assert "1 files skipped: held by a running crawl, which stores them itself" in output
    assert "1 unreadable lines (torn by a killed crawl, or damaged) moved to rejected-" in output
    assert "never replayed; their articles are fetched again while still listed" in output
    shown = " ".join(run_scrapy(["db", "-h"], cwd=tmp_path).log.split())
    assert "Exit status 0 when every article that could be replayed was stored" in shown
    assert "Files held by running crawls are skipped" in shown and "rejected-" in shown
