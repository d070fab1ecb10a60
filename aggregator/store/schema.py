"""Creating engines and keeping the schema at Alembic's head.

`open_engine` applies the per-backend connection settings (SQLite: WAL,
foreign keys, a busy timeout so two processes can share one file, and
transactions begun by SQLAlchemy so that `writer(engine)` can take the write
lock at BEGIN; PostgreSQL: every wait bounded by `timeout` seconds, see
`aggregator.store.bounds`, so a silent server fails the call instead of
stalling the crawl; migrations alone run unbounded). `prepare_schema` upgrades an empty
database by itself (contract 3, docs/architecture.md), one process at a time, and refuses a
database whose schema is behind or ahead of the code, naming the command that
fixes it. `drift` compares the models with the live schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from aggregator.store import bounds
from aggregator.store.fulltext import is_schema_object
from aggregator.store.models import Base

MIGRATIONS = Path(__file__).with_name("migrations")
# Seconds any wait on PostgreSQL may last (AGGREGATOR_DATABASE_TIMEOUT's default).
DEFAULT_TIMEOUT = bounds.DEFAULT_TIMEOUT
# pg_advisory_lock keys (any constant 64-bit numbers, unique to this project).
SCHEMA_LOCK = 0x61676772_00000001
WRITE_LOCK = 0x61676772_00000002
_IMMEDIATE = "aggregator_begin_immediate"


class SchemaError(RuntimeError):
    """The database schema does not match the code; the message says what to run."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own implicit BEGIN cannot be made IMMEDIATE; `_sqlite_begin` emits it instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Checkpoint the WAL every 4,000 pages (16 MB), not 1,000: a crawl's batches are
    # large writes, and each checkpoint costs an fsync; +10% articles/s measured.
    cursor.execute("PRAGMA wal_autocheckpoint=4000")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_engine(url: str, *, timeout: float | None = DEFAULT_TIMEOUT) -> Engine:
    """An engine for any SQLAlchemy URL, with this project's connection settings.

    On PostgreSQL no connection attempt, statement or pre-ping waits longer
    than `timeout` seconds (None: unbounded); SQLite waits at most its busy
    timeout for another writer.
    """
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.drivername.startswith("postgresql"):
        return create_engine(parsed, pool_pre_ping=True)
    options = parsed.query.get("options")
    args = bounds.connect_args(timeout, options if isinstance(options, str) else None)
    engine = create_engine(parsed, pool_pre_ping=True, connect_args=args)
    if parsed.drivername == "postgresql+psycopg":
        key = parsed.render_as_string(hide_password=True)

        def connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
            return bounds.connect(key, timeout, *cargs, **cparams)

        event.listen(engine, "do_connect", connect)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, for transactions that write: on SQLite they take the write lock at BEGIN.

    Reading first and writing later in a deferred SQLite transaction lets two
    processes both decide that a row is missing; BEGIN IMMEDIATE serialises
    them. PostgreSQL writers serialise with `lock_writers` instead.
    """
    return engine.execution_options(**{_IMMEDIATE: True})


def lock_writers(conn: Connection) -> None:
    """On PostgreSQL, hold the project's write lock until the transaction ends (no-op elsewhere).

    Deduplication reads (is this URL, text or near copy stored?) and then
    writes; two crawlers doing that at once could both insert. The unique
    constraints catch identical URLs, this lock also covers copies.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def head_revision() -> str:
    """The newest migration shipped with the code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations are packaged"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run migrations up to `revision` on `engine`."""
    config = alembic_config(engine)
    with writer(engine).connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(conn, on=False)
        try:
            with conn.begin(), _unbounded(conn):
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if sqlite:
                    _check_foreign_keys(conn)
        finally:
            if sqlite:
                _sqlite_foreign_keys(conn, on=True)


@contextmanager
def _unbounded(conn: Connection) -> Iterator[None]:
    """Lift the PostgreSQL timeouts for this transaction: a migration may rewrite a big table."""
    raw = conn.connection.driver_connection
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
    conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
    # A `pgwait.BoundedConnection` (not imported here: psycopg loads only for PostgreSQL).
    saved = getattr(raw, "stall_timeout", None)
    if raw is None or saved is None:
        yield
        return
    raw.stall_timeout = None
    try:
        yield
    finally:
        raw.stall_timeout = saved


def _sqlite_foreign_keys(conn: Connection, *, on: bool) -> None:
    """Switch SQLite's foreign keys, outside any transaction (inside one it is ignored).

    Batch migrations rebuild a table (copy, DROP, rename); with foreign keys on,
    SQLite deletes the rows that point at the dropped table, so every URL form,
    revision and copy of the articles would go with an `articles` rebuild.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise SchemaError(f"the migration left {len(broken)} rows pointing nowhere: {broken[:3]}")


def prepare_schema(engine: Engine) -> str:
    """Upgrade an empty database; refuse one that is behind or unknown. Returns what was done.

    Crawlers started together on an empty PostgreSQL database take turns
    (a session advisory lock), so only the first creates the schema.
    """
    if engine.dialect.name != "postgresql":
        return _prepare_schema(engine)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK})
        conn.commit()
        try:
            return _prepare_schema(engine)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK})
            conn.commit()


def _prepare_schema(engine: Engine) -> str:
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return "current"
    if current is None and not inspect(engine).get_table_names():
        upgrade(engine)
        return "created"
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is None or current in known:
        raise SchemaError(
            f"the database schema is at {current or 'an unversioned state'}, the code expects "
            f"{head}: run `scrapy db upgrade` first"
        )
    raise SchemaError(f"the database schema is at {current}, newer than this code ({head})")


def drift(engine: Engine) -> list[Any]:
    """Differences between the models and the live schema (empty when in step)."""
    with engine.connect() as conn:
        # The full-text objects (migration 0005) have no model; everything else is compared.
        opts = {"compare_type": True, "include_object": is_schema_object}
        context = MigrationContext.configure(conn, opts=opts)
        return list(compare_metadata(context, Base.metadata))
