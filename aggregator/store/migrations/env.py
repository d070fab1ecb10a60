"""Alembic environment: runs migrations on the connection `aggregator.store.schema` hands over.

Batch mode is on for SQLite, whose ALTER TABLE cannot drop or change columns.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from aggregator.store.fulltext import is_schema_object
from aggregator.store.models import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The full-text objects of migration 0005 have no model (aggregator/store/fulltext.py).
        include_object=is_schema_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///aggregator.db")
    with engine.begin() as conn:
        _run(conn)


run_migrations_online()
