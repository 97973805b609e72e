"""Database engine set-up: SQLite pragmas for safe concurrent use."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Select, Table, event
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


def begin_locked(rows: Select | None = None, table: Table | None = None) -> None:
    """Start a write transaction that every other caller of this helper must wait for.

    The one place with a dialect switch for pessimistic locking:

    * SQLite locks the whole file: ``BEGIN IMMEDIATE`` takes the write lock now,
      not at the first write, so a second caller waits (busy timeout) and then
      reads what the first one committed.
    * PostgreSQL (and others): ``SELECT … FOR UPDATE`` on ``rows`` locks exactly
      the rows the decision depends on; when the decision depends on rows that
      may not exist yet (creating the first account), pass ``table`` instead and
      the whole table is locked against other writers.

    The session must have no pending changes: the read-only transaction a
    request opened is ended first, so what follows reads fresh data.
    """
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_locked() must start the transaction; flush nothing before it")
    session.rollback()
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif rows is not None:
        session.execute(rows.with_for_update()).all()
    elif table is not None:
        connection.exec_driver_sql(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE")
    else:
        raise ValueError("begin_locked() needs rows or a table to lock")


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


def erase_all_rows() -> int:
    """Delete every row of every table the models know, children first; the schema and its version stay.

    For ``flask demo --fresh`` only (the caller asks for confirmation). One
    transaction: on any error nothing is deleted. Returns the rows deleted.
    """
    deleted = 0
    try:
        for table in reversed(db.metadata.sorted_tables):
            deleted += db.session.execute(table.delete()).rowcount or 0
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return deleted
