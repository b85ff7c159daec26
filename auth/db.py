"""The user store: one engine per process, short sessions, and the schema kept up to date.

The same code runs on SQLite (the default, a file under `var/`) and on PostgreSQL. Several
gunicorn workers start at once, so the schema upgrade takes an exclusive lock first: a
file lock next to the SQLite file, and a PostgreSQL advisory lock for servers shared by
several machines.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from auth.models import (
    Base,
    CommissionFile,
    LoginAttempt,
    SavedView,
    SchemaVersion,
    Tour,
    TourStep,
    User,
)

ADVISORY_LOCK_KEY = 0x41544C53  # "ATLS"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _append_only_sqlite(connection: Connection) -> None:
    for operation in ("UPDATE", "DELETE"):
        connection.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS audit_events_no_{operation.lower()} "
            f"BEFORE {operation} ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
        )


def _append_only_postgresql(connection: Connection) -> None:
    connection.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql"
    )
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    connection.exec_driver_sql(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
    )


def _migration_1(connection: Connection) -> None:
    """Conventions, users, audit log; the audit log refuses UPDATE and DELETE."""
    Base.metadata.create_all(connection)
    if connection.dialect.name == "postgresql":
        _append_only_postgresql(connection)
    else:
        _append_only_sqlite(connection)


def _add_missing_columns(connection: Connection, table_name: str, names: tuple[str, ...]) -> None:
    """ALTER TABLE ... ADD COLUMN for each of `names` the table lacks, as the model declares
    it (type, nullability, server default): a database of version 1 keeps its rows."""
    present = {column["name"] for column in inspect(connection).get_columns(table_name)}
    table = Base.metadata.tables[table_name]
    preparer = connection.dialect.identifier_preparer
    for name in names:
        if name in present:
            continue
        column = table.columns[name]
        ddl = f"{preparer.quote(name)} {column.type.compile(dialect=connection.dialect)}"
        if column.server_default is not None:
            default = column.server_default.arg.compile(dialect=connection.dialect)  # type: ignore[attr-defined]
            ddl += f" DEFAULT {default}"
        if not column.nullable:
            ddl += " NOT NULL"
        connection.exec_driver_sql(f"ALTER TABLE {preparer.quote(table_name)} ADD COLUMN {ddl}")


def _migration_2(connection: Connection) -> None:
    """One-time passwords that must be changed, and the login attempts of the rate limit.

    A database created at version 1 gets the new columns (existing users keep the password
    they chose: `must_change_password` is false); one created now already has them.
    """
    _add_missing_columns(
        connection,
        User.__tablename__,
        ("must_change_password", "one_time_password_expires_at"),
    )
    LoginAttempt.__table__.create(connection, checkfirst=True)


def _migration_3(connection: Connection) -> None:
    """The commission files users keep (issue 14)."""
    CommissionFile.__table__.create(connection, checkfirst=True)


def _migration_4(connection: Connection) -> None:
    """The views users keep and the tours made of them (issue 15)."""
    for table in (SavedView.__table__, Tour.__table__, TourStep.__table__):
        table.create(connection, checkfirst=True)


# Version -> step. Add a step (never edit a shipped one) to change the schema.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _migration_1,
    2: _migration_2,
    3: _migration_3,
    4: _migration_4,
}
SCHEMA_VERSION = max(MIGRATIONS)


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _on_sqlite_begin), and let readers and
    # writers of several processes share the file.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # A writing transaction takes the write lock at once: a deferred one that reads and
    # then writes can fail with "database is locked" when another process wrote between.
    immediate = connection.get_execution_options().get("atlas_writes", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    # A database server that does not answer fails a request within seconds (a 503 page,
    # auth/outage.py) instead of holding a worker thread for minutes; pooled connections
    # are checked before use, so the portal recovers by itself when the server is back.
    return create_engine(
        url, pool_pre_ping=True, pool_timeout=10, connect_args={"connect_timeout": 5}
    )


@contextmanager
def _process_lock(lock_file: Path) -> Iterator[None]:
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Database:
    """The engine of this process and the sessions every request uses."""

    def __init__(self, url: str, lock_file: Path) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(url)
        self.lock_file = lock_file
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(atlas_writes=True), expire_on_commit=False
        )

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Only one process at a time in this block (schema upgrade, demo seeding)."""
        with _process_lock(self.lock_file):
            yield

    def upgrade(self) -> int:
        """Create or upgrade the schema to SCHEMA_VERSION; returns the version now in place."""
        with self.exclusive(), self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
            SchemaVersion.__table__.create(connection, checkfirst=True)
            current = connection.execute(select(SchemaVersion.version)).scalars().all()
            done = max(current, default=0)
            for version in sorted(v for v in MIGRATIONS if v > done):
                MIGRATIONS[version](connection)
                connection.execute(SchemaVersion.__table__.insert().values(version=version))
            return max(done, SCHEMA_VERSION)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        with self._write.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
