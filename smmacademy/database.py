"""Database engine set-up: SQLite pragmas for safe concurrent use."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while one writer commits; the busy timeout makes a
    # second writer wait instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy and, for SQLite, turn on WAL and the busy timeout."""
    db.init_app(app)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def upsert(model, rows: list[dict], keys: list[str], update: list[str]):
    """``INSERT … ON CONFLICT (keys) DO UPDATE`` for SQLite and PostgreSQL.

    Each row is written in one statement that the database makes atomic, so
    parallel writers of different rows never undo each other (no read-modify-write).
    """
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(rows)
    return db.session.execute(
        statement.on_conflict_do_update(
            index_elements=keys, set_={name: getattr(statement.excluded, name) for name in update}
        )
    )
