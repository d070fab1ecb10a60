"""Persistence: typed SQLAlchemy models, the UTC type, all SQL, Alembic migrations."""
