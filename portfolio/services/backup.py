"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore.

The SQLite copy is taken while the app keeps running (the backup API
copies a consistent snapshot page by page); a restore replaces the live
database in one step. PostgreSQL uses its own tools, in the custom
format, so a restore can clean and recreate every table.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from portfolio.models import db


class BackupError(Exception):
    pass


def _sqlite_path(url: sa.engine.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_args(url: sa.engine.URL) -> list[str]:
    # libpq URL without the SQLAlchemy driver name; the password (if any) stays in it.
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return ["--dbname", plain]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return found


def create_backup(out: Path) -> Path:
    url = db.engine.url
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(out)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *_pg_args(url)],
            check=True,
            capture_output=True,
        )
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")
    return out


def restore_backup(source: Path) -> None:
    """Replace the current database's content with the backup's. Irreversible."""
    if not source.is_file():
        raise BackupError(f"no such backup file: {source}")
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old content open
    if url.get_backend_name() == "sqlite":
        backup = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            with live:
                backup.backup(live)
        finally:
            live.close()
            backup.close()
    elif url.get_backend_name() == "postgresql":
        result = subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *_pg_args(url),
                str(source),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip()[-2000:])
    else:
        raise BackupError(f"no restore method for {url.get_backend_name()}")
