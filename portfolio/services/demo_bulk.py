"""How the demo seed writes in bulk, and how it times itself.

On PostgreSQL rows go in with COPY through connections of their own, each
driven by a thread: Python builds the next chunk while PostgreSQL ingests
the previous ones, and several backends check foreign keys (most of the
cost) and maintain indexes side by side, so both cores work instead of one
at a time. Each COPY is committed on its own, once the COPYs it depends on
are (a foreign key must find its row in committed data): the seed is
written chunk by chunk, as it always was. Elsewhere (SQLite) rows go in at
once, in the caller's transaction, with one executemany.

Rows are tuples in the order of the columns given, holding the values the
ORM would take (dates, StrEnum members, Decimal rates): the writer applies
the columns' own conversions where COPY would skip them (``Rate``).
"""

from __future__ import annotations

import gc
import queue
import random
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress

import sqlalchemy as sa
import sqlalchemy.orm as so

_STOP = object()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while the seed builds millions of row tuples: it would
    walk them again and again (some 40 % of the seed's Python time), and they hold no cycles;
    reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class DemoRandom(random.Random):
    """random.Random with a cheaper randint and choice (one float draw each, not the
    rejection sampling of exact integers): the seed draws some six million of them.
    Same seed, same data; the bias, under 1e-10 for these ranges, is of no consequence
    for demo data."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class PhaseClock:
    """Wall-clock seconds per named phase of the seed, in the order the phases ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


class Job:
    """One list of rows for one table; `done` is set once they are committed (or failed)."""

    __slots__ = ("table", "columns", "rows", "after", "done")

    def __init__(self, table: sa.Table, columns: Sequence[str], rows: list[tuple], after):
        self.table, self.columns, self.rows = table, tuple(columns), rows
        self.after: tuple[Job, ...] = tuple(after)
        self.done = threading.Event()


class BulkWriter:
    """Writes lists of row tuples, in order, the rows of a job after those of its `after`.

    Use as a context manager, and ``wait()`` before reading back what was
    written. On PostgreSQL the rows are committed job by job by the writer's
    own connections: commit first whatever they refer to.
    """

    #: Connections writing at once. Measured on 2 cores: a third lane keeps both busy while
    #: another waits for the rows its own refer to, or for its commit.
    LANES = 3

    def __init__(self, session: so.Session, *, lanes: int = LANES, backlog: int = 8) -> None:
        self._session = session
        engine = session.get_bind()
        self.postgresql = engine.dialect.name == "postgresql"
        self._queue: queue.Queue = queue.Queue(maxsize=backlog)
        self._error: BaseException | None = None
        self._threads: list[threading.Thread] = []
        if self.postgresql:
            for lane in range(lanes):
                thread = threading.Thread(
                    target=self._run, args=(engine,), name=f"demo-copy-{lane}", daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(discard=error is not None)

    def add(
        self,
        table: sa.Table,
        columns: Sequence[str],
        rows: list[tuple],
        *,
        after: Iterable[Job] = (),
    ) -> Job:
        """Queue `rows` (tuples in the order of `columns`) for `table`, to be written once
        the jobs in `after` (the rows they refer to) are. The caller must not change the
        list afterwards."""
        self._raise_pending()
        job = Job(table, columns, rows, after)
        if not rows:
            job.done.set()
        elif not self.postgresql:
            names = job.columns
            self._session.connection().execute(
                table.insert(), [dict(zip(names, r, strict=True)) for r in rows]
            )
            job.done.set()
        else:
            self._queue.put(job)
        return job

    def wait(self) -> None:
        """Return once everything queued so far is written (raise what went wrong)."""
        if self._threads:
            self._queue.join()
        self._raise_pending()

    def close(self, *, discard: bool = False) -> None:
        if not self._threads:
            return
        if discard:  # an error: drop what is still queued
            self._drain()
        for _ in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join()
        self._threads = []
        if not discard:
            self._raise_pending()

    def _drain(self) -> None:
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            job.done.set()
            self._queue.task_done()

    def _raise_pending(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self, engine: sa.Engine) -> None:
        # Jobs are taken in the order they were queued, so the jobs one waits for were
        # taken before it (by the other lane, or done): no lane waits forever.
        pooled = engine.raw_connection()
        connection = pooled.driver_connection
        try:
            while True:
                job = self._queue.get()
                try:
                    if job is _STOP:
                        return
                    for parent in job.after:
                        parent.done.wait()
                    if self._error is None:
                        _copy(connection, job)
                        connection.commit()
                except BaseException as error:  # handed to the main thread
                    self._error = error
                    with suppress(Exception):  # a broken connection must not stop the lane
                        connection.rollback()
                finally:
                    if job is not _STOP:
                        job.done.set()
                    self._queue.task_done()
        finally:
            pooled.close()


def _copy(connection, job: Job) -> None:
    converters = _converters(job.table, job.columns)
    statement = f"COPY {job.table.name} ({', '.join(job.columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        write = copy.write_row
        if not converters:
            for row in job.rows:
                write(row)
            return
        for row in job.rows:
            values = list(row)
            for i, convert in converters:
                values[i] = convert(values[i])
            write(values)


def _converters(table: sa.Table, columns: tuple[str, ...]) -> list[tuple[int, object]]:
    """The columns whose type converts values on the way in (COPY would skip it).

    Enum columns need nothing: their values are StrEnum members, which psycopg
    writes as their value. Conversions are memoised: a seed repeats few values.
    """
    found = []
    for i, name in enumerate(columns):
        kind = table.c[name].type
        if isinstance(kind, sa.TypeDecorator):
            found.append((i, _memoised(kind)))
    return found


def _memoised(kind: sa.TypeDecorator):
    seen: dict = {}

    def convert(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = stored = kind.process_bind_param(value, None)
            return stored

    return convert


def next_ids(session: so.Session, *tables: sa.Table) -> list[int]:
    """The first free id of each table (ids are handed out in Python, then synced)."""
    return [(session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1 for table in tables]


def sync_id_sequences(session: so.Session, *tables: sa.Table) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT MAX(id) FROM {table.name}))"
            )
        )


#: The journal columns every demo module writes, in this order (see journal_row).
JOURNAL_COLUMNS = (
    "id",
    "kind",
    "value_on",
    "amount_xof",
    "recorded_at",
    "recorded_by_id",
    "channel",
    "enterprise_id",
    "budget_line_id",
    "loan_id",
    "grant_tranche_id",
    "kit_delivery_id",
    "beneficiary_id",
    "allowance_kind",
    "period_on",
    "reference",
    "reverses_id",
    "reason",
)


def journal_row(
    entry_id: int,
    kind,
    value_on,
    amount_xof: int,
    recorded_at,
    recorded_by_id: int | None,
    channel=None,
    *,
    enterprise_id: int | None = None,
    budget_line_id: int | None = None,
    loan_id: int | None = None,
    grant_tranche_id: int | None = None,
    kit_delivery_id: int | None = None,
    beneficiary_id: int | None = None,
    allowance_kind=None,
    period_on=None,
    reference: str | None = None,
    reverses_id: int | None = None,
    reason: str | None = None,
) -> tuple:
    """One journal entry as a row in the order of JOURNAL_COLUMNS."""
    return (
        entry_id,
        kind,
        value_on,
        amount_xof,
        recorded_at,
        recorded_by_id,
        channel,
        enterprise_id,
        budget_line_id,
        loan_id,
        grant_tranche_id,
        kit_delivery_id,
        beneficiary_id,
        allowance_kind,
        period_on,
        reference,
        reverses_id,
        reason,
    )
