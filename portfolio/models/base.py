"""Declarative base: constraint naming convention shared by every migration."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy import SQLAlchemy

# Stable names make Alembic migrations reproducible on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """Two SQLite fixes, on every new SQLite connection.

    - lower() only folds ASCII there, so "KEÏTA" would not match "keïta":
      Python's str.lower replaces it (PostgreSQL folds Unicode already).
    - pysqlite opens transactions itself, late, which breaks SAVEPOINTs (a
      RELEASE would commit). Its handling is switched off and BEGIN is sent
      by SQLAlchemy instead (the recipe in SQLAlchemy's SQLite notes), so
      savepoints and all-or-nothing imports behave as on PostgreSQL.
    - Write-ahead logging: a request reading in a transaction does not stop
      another from committing (with SQLite's default journal it would, and
      the writer would fail with "database is locked").
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")


#: Set on every PostgreSQL connection. The reports are one aggregate query each over a few
#: hundred thousand rows: JIT compilation took 150-180 ms of a 600 ms query there and saved
#: less, and hash aggregates spilled to disk at the default 4 MB of work memory.
POSTGRESQL_SESSION = {"jit": "off", "work_mem": "32MB"}


@sa.event.listens_for(sa.engine.Engine, "connect")
def _configure_postgresql(dbapi_connection, _record) -> None:
    if dbapi_connection.__class__.__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            for name, value in POSTGRESQL_SESSION.items():
                cursor.execute(f"SET {name} = '{value}'")
        # Kept for the session only once committed (a rolled-back SET is undone).
        dbapi_connection.commit()


@sa.event.listens_for(sa.engine.Engine, "begin")
def _begin_on_sqlite(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum: type[StrEnum], name: str) -> sa.Enum:
    """A string column limited by a CHECK to the enum's values (portable, no PG type)."""
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Rate(sa.TypeDecorator):
    """An exact rate (Decimal fraction, 0.24 = 24 %) stored as whole millionths.

    SQLite has no exact decimal type (SQLAlchemy would go through float), so
    the database holds an integer: 0.24 is stored as 240000. CHECK
    constraints on rate columns are therefore written in millionths.
    """

    impl = sa.BigInteger
    cache_ok = True
    SCALE = 1_000_000

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = Decimal(value) * self.SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"rate {value} has more than 6 decimals")
        return int(scaled)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value) / self.SCALE


def money_column(*, nullable: bool = False, default: int | None = None) -> so.MappedColumn:
    """Whole francs: a 64-bit integer, never a float."""
    return so.mapped_column(sa.BigInteger, nullable=nullable, default=default)
