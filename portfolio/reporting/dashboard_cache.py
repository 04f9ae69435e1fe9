"""An exact, never-stale memo of the dashboard's figures (PostgreSQL only).

The key figures read most of the database and take seconds at 100,000 enterprises; a
manager reopening the dashboard, or a report fetching the same summary again, should not
wait for them twice when nothing changed. A result is kept under its arguments (filters,
as-of date, language) and the database's MVCC snapshot (`pg_current_snapshot()`: the
transactions considered finished). Two identical snapshots see exactly the same rows, so a
result found under the current snapshot is the one the queries would compute now.

- A result is stored only when the snapshot is the same before and after computing it (no
  transaction committed meanwhile, so it is not newer or older than its stamp).
- Nothing is read from or stored to the memo inside a transaction that has written
  (`pg_current_xact_id_if_assigned()`): its own changes are not in the snapshot.
- Any write to the database server (any table) changes the snapshot: the memo only helps
  while nobody writes. SQLite has no such stamp: there, everything is computed each time.

The memo is per process, bounded (least recently used first out) and holds frozen
dataclasses only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import sqlalchemy as sa

from portfolio.models import db

T = TypeVar("T")

#: Results kept per process.
MAX_ENTRIES = 64

_entries: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()
#: Lookups answered from the memo, computed, and computed results kept (for benchmarks).
stats = {"hits": 0, "computed": 0, "kept": 0}


def snapshot_stamp() -> str | None:
    """The current transaction's view of the database, or None when it cannot be used:
    not PostgreSQL 13 or later, or this transaction has written."""
    dialect = db.session.get_bind().dialect
    # pg_current_snapshot() and pg_current_xact_id_if_assigned() exist from PostgreSQL 13.
    if dialect.name != "postgresql" or (dialect.server_version_info or (0,)) < (13,):
        return None
    row = db.session.execute(
        sa.text("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()")
    ).one()
    return None if row[1] is not None else row[0]


def memoised(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or its result kept from an identical snapshot of the database."""
    before = snapshot_stamp()
    if before is None:
        return compute()
    with _lock:
        if (before, key) in _entries:
            _entries.move_to_end((before, key))
            stats["hits"] += 1
            return _entries[(before, key)]  # type: ignore[return-value]
    result = compute()
    stats["computed"] += 1
    if snapshot_stamp() == before:
        with _lock:
            stats["kept"] += 1
            _entries[(before, key)] = result
            # Entries of older snapshots can never be read again: drop them first.
            for old in [k for k in _entries if k[0] != before]:
                del _entries[old]
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return result


def clear() -> None:
    with _lock:
        _entries.clear()
