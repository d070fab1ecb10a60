"""Health checks one by one on fabricated stats: each passes when healthy, fails when broken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

from aggregator import settings as project_settings
from aggregator.health.figures import figures_from_stats
from aggregator.health.rules import (
    CHECKS,
    CheckConfigError,
    Limits,
    evaluate,
    resolve_limits,
    validate_overrides,
)
from aggregator.site_files import load_site_file
from aggregator.sites import SiteConfigError

# A crawl that went well: 40 articles, dates found, a retracted page answering 404.
HEALTHY: dict[str, Any] = {
    "item_scraped_count": 40,
    "aggregator/store/inserted": 10,
    "aggregator/store/unchanged": 30,
    "downloader/request_count": 60,
    "downloader/response_status_count/200": 59,
    "downloader/response_status_count/404": 1,
    "aggregator/dates/parsed/jsonld": 35,
    "aggregator/dates/parsed/listing": 4,
    "aggregator/dates/unparsed": 1,
    "aggregator/spider/listing_pages": 3,
    "finish_reason": "finished",
}


def project_limits(**overrides: Any) -> Limits:
    settings = Settings()
    settings.setmodule(project_settings)
    return resolve_limits(settings, overrides)


def failed(
    stats: dict[str, Any], history: list[dict[str, Any]] | None = None, **overrides: Any
) -> list[str]:
    past = [figures_from_stats(run) for run in history or []]
    return [f.check for f in evaluate(figures_from_stats(stats), past, project_limits(**overrides))]


def test_a_healthy_crawl_passes_every_check() -> None:
    assert failed(HEALTHY, [HEALTHY, HEALTHY]) == []


# (check, stats changes that break it) — each row must fail exactly that check.
BROKEN = [
    (
        "no_articles",
        {"item_scraped_count": 0, "aggregator/store/inserted": 0, "aggregator/store/unchanged": 0},
    ),
    ("error_rate", {"log_count/ERROR": 12}),
    ("unparsed_dates", {"aggregator/dates/parsed/jsonld": 5, "aggregator/dates/unparsed": 30}),
    ("finish_reason", {"finish_reason": "shutdown"}),
    ("listing_without_links", {"aggregator/spider/listing_without_links": 1}),
    ("unstored_articles", {"aggregator/store/spooled": 3}),
    (
        "body_fallback",
        {
            "aggregator/spider/articles": 40,
            "aggregator/extract/fallback/empty": 15,
            "aggregator/extract/fallback/short": 10,
        },
    ),
]


@pytest.mark.parametrize(("check", "changes"), BROKEN, ids=[row[0] for row in BROKEN])
def test_each_check_fails_on_its_own_symptom(check: str, changes: dict[str, Any]) -> None:
    assert failed({**HEALTHY, **changes}) == [check]


def test_items_drop_compares_with_the_median_of_recent_runs() -> None:
    history = [{**HEALTHY, "item_scraped_count": n} for n in (40, 44, 2, 38, 41)]
    assert failed({**HEALTHY, "item_scraped_count": 21}, history) == []
    assert failed({**HEALTHY, "item_scraped_count": 19}, history) == ["items_drop"]
    # An incremental run reads one listing page of known articles: per page, nothing dropped.
    incremental = {
        **HEALTHY,
        "item_scraped_count": 4,
        "aggregator/incremental/skipped": 10,
        "aggregator/spider/listing_pages": 1,
    }
    assert failed(incremental, history) == []
    assert failed({**incremental, "aggregator/incremental/skipped": 1}, history) == ["items_drop"]
    # No history yet, or a history of empty runs: nothing to compare with, no failure.
    assert failed({**HEALTHY, "item_scraped_count": 1}) == []
    assert failed({**HEALTHY, "item_scraped_count": 1}, [{"item_scraped_count": 0}]) == []


def test_body_fallback_share_counts_every_reason_against_article_pages() -> None:
    stats = {**HEALTHY, "aggregator/spider/articles": 40}
    assert figures_from_stats(stats).body_fallback_share == 0.0
    weak = {"aggregator/extract/fallback/empty": 12, "aggregator/extract/fallback/long": 8}
    assert failed({**stats, **weak}) == []  # 20 of 40: at the 50 % limit, not over it
    broken = {**stats, **weak, "aggregator/extract/fallback/short": 1}
    (failure,) = evaluate(figures_from_stats(broken), [], project_limits())
    assert failure.check == "body_fallback"
    assert failure.message.startswith("52% of article pages had no body or needed the body")
    assert "\n" not in failure.message
    # A site whose layout always needs the fallback (and gets good bodies) says so in [checks].
    assert failed(broken, max_body_fallback=0.9) == []
    assert failed(broken, max_body_fallback=False) == []
    assert figures_from_stats(HEALTHY).body_fallback_share is None  # no article pages: passes


def test_error_rate_counts_a_retried_request_once() -> None:
    # 20 URLs, each tried 3 times and given up on: 20 errors out of 20 distinct requests.
    stats = {**HEALTHY, "downloader/request_count": 60, "retry/count": 40, "log_count/ERROR": 20}
    figures = figures_from_stats(stats)
    assert figures.fetches == 20 and figures.error_rate == 1.0
    assert "error_rate" in failed(stats)
    assert failed({**HEALTHY, "log_count/ERROR": 6}) == []  # 6 of 60: under 10 %


def test_articles_already_stored_count_as_found() -> None:
    quiet_day = {**HEALTHY, "item_scraped_count": 0, "aggregator/incremental/skipped": 5}
    quiet_day |= {"downloader/exception_count": 5, "aggregator/store/unchanged": 0}
    assert failed(quiet_day) == []
    assert figures_from_stats(quiet_day).download_errors == 0  # skips are not errors


def test_a_site_refusing_the_crawler_counts_as_errors() -> None:
    # 403s are not retried and Scrapy logs them at INFO: no ERROR line at all.
    blocked = {**HEALTHY, "httperror/response_ignored_status_count/403": 30}
    assert failed(blocked) == ["error_rate"]
    assert failed({**HEALTHY, "httperror/response_ignored_status_count/404": 30}) == []


def test_checks_that_do_not_apply_pass() -> None:
    nothing: dict[str, Any] = {"finish_reason": "finished", "item_scraped_count": 3}
    assert failed(nothing) == []  # no requests counted, no dates tried


def test_the_failure_message_gives_value_and_threshold() -> None:
    figures = figures_from_stats({**HEALTHY, "log_count/ERROR": 30})
    (failure,) = evaluate(figures, [], project_limits())
    assert failure.message == "50% of requests ended in an error or a refusal (at most 10%)"


def test_site_overrides_replace_settings_and_false_switches_a_check_off() -> None:
    broken = {**HEALTHY, "log_count/ERROR": 12, "aggregator/spider/listing_without_links": 2}
    assert failed(broken) == ["error_rate", "listing_without_links"]
    assert failed(broken, max_error_rate=0.5, max_listing_without_links=2) == []
    assert failed(broken, max_error_rate=False) == ["listing_without_links"]
    assert failed({**HEALTHY, "finish_reason": "closespider_pagecount"}) == ["finish_reason"]
    reasons = ["finished", "closespider_pagecount"]
    assert (
        failed({**HEALTHY, "finish_reason": "closespider_pagecount"}, finish_reasons=reasons) == []
    )


def test_thresholds_given_as_command_line_strings() -> None:
    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict(
        {
            "AGGREGATOR_CHECK_MAX_ERROR_RATE": "0.5",
            "AGGREGATOR_CHECK_FINISH_REASONS": "finished,shutdown",
            "AGGREGATOR_CHECK_MIN_ARTICLES": "",
            "AGGREGATOR_CHECK_HISTORY_RUNS": "3",
        },
        priority="cmdline",
    )
    limits = resolve_limits(settings, {})
    assert limits.thresholds["error_rate"] == 0.5
    assert limits.thresholds["finish_reason"] == ("finished", "shutdown")
    assert limits.thresholds["no_articles"] is None
    assert limits.history_runs == 3


def test_every_check_has_a_documented_setting() -> None:
    for check in CHECKS:
        assert hasattr(project_settings, check.setting), check.setting
    assert [check.name for check in CHECKS] == [
        "no_articles",
        "items_drop",
        "error_rate",
        "unparsed_dates",
        "finish_reason",
        "listing_without_links",
        "unstored_articles",
        "body_fallback",
    ]


@pytest.mark.parametrize(
    ("table", "key", "problem"),
    [
        ({"max_eror_rate": 0.2}, "max_eror_rate", "unknown check; known: min_articles"),
        ({"max_error_rate": 1.5}, "max_error_rate", "between 0 and 1"),
        ({"min_articles": "many"}, "min_articles", "expected a number or false"),
        ({"min_articles": -1}, "min_articles", "0 or more"),
        ({"finish_reasons": [1]}, "finish_reasons", "list of finish reasons"),
        ({"history_runs": 0}, "history_runs", "whole number >= 1"),
    ],
)
def test_bad_overrides_name_the_key(table: dict[str, Any], key: str, problem: str) -> None:
    with pytest.raises(CheckConfigError) as raised:
        validate_overrides(table)
    assert raised.value.key == key and problem in raised.value.problem


def test_a_site_file_with_a_bad_check_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "el_diario.toml"
    path.write_text('start_urls = ["https://a.example/"]\n[checks]\nmax_eror_rate = 0.3\n')
    with pytest.raises(SiteConfigError) as raised:
        load_site_file(path)
    assert str(raised.value).startswith(f"{path}: key 'checks.max_eror_rate': unknown check")


def test_a_site_file_with_good_checks_keeps_them(tmp_path: Path) -> None:
    path = tmp_path / "el_diario.toml"
    path.write_text(
        'start_urls = ["https://a.example/"]\n[checks]\nmax_error_rate = 0.3\n'
        "min_items_ratio = false\nhistory_runs = 10\n"
    )
    site = load_site_file(path)
    limits = project_limits(**site.checks)
    assert limits.thresholds["error_rate"] == 0.3
    assert limits.thresholds["items_drop"] is None
    assert limits.history_runs == 10
