"""Shared fixtures: the fixture news site and its server, the databases (PostgreSQL is
required in CI and optional on a laptop).

Test modules override `site` when they need a variant of the sample site.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from aggregator.demo.server import SiteServer
from aggregator.demo.site import NewsSite
from tests.support import FROZEN_NOW

# The server this machine kind runs; override to point at another one.
POSTGRES_ADMIN_URL = os.environ.get(
    "AGGREGATOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aggregator_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        _unavailable(str(exc).splitlines()[0])
    url = make_url(POSTGRES_ADMIN_URL).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database of each kind: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'news.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def site() -> NewsSite:
    """The sample news site with its clock frozen at FROZEN_NOW."""
    return NewsSite(FROZEN_NOW)


@pytest.fixture
def server(site: NewsSite) -> Iterator[SiteServer]:
    """`site` served on 127.0.0.1 (port 0) for the test."""
    with SiteServer(site) as running:
        yield running


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A directory on a 64 KB tmpfs that is already full (root only: skipped elsewhere, not in CI).

    Files can still be created in it (tmpfs counts inodes apart), but no byte can be written.
    """
    mount = tmp_path / "full-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        reason = f"cannot mount a small tmpfs: {done.stderr.strip() or done.returncode}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        (mount / "spool").mkdir()
        with (mount / "filler").open("wb", buffering=0) as filler, contextlib.suppress(OSError):
            while filler.write(b"\0" * 4096):
                pass
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
