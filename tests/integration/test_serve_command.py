"""`scrapy serve` as a command: it refuses what it cannot serve, with one line and exit status."""

from __future__ import annotations

from pathlib import Path

from aggregator.store.schema import open_engine, upgrade
from tests.support import run_scrapy


def test_a_missing_database_file_is_refused_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = run_scrapy(
        ["serve", "--port", "0", "--database", f"sqlite:///{missing}"], cwd=tmp_path
    )
    assert result.returncode == 1
    assert "error: SchemaError: there is no database file there" in result.log
    assert not missing.exists()


def test_a_schema_behind_the_code_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = open_engine(url)
    upgrade(engine, "0003")
    engine.dispose()
    result = run_scrapy(["serve", "--port", "0", "--database", url], cwd=tmp_path)
    assert result.returncode == 1
    assert "the database schema is at 0003" in result.log and "scrapy db upgrade" in result.log


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    port = run_scrapy(["serve", "--port", "70000"], cwd=tmp_path)
    extra = run_scrapy(["serve", "now"], cwd=tmp_path)
    assert (port.returncode, extra.returncode) == (2, 2)
    assert "--port must be between 0 and 65535" in port.log
