"""Visits from a KoboToolbox / ODK Central export: preview, then one all-or-nothing commit.

Each row of the export becomes one outcome:

- **add**: an instance id never seen;
- **update**: an edited submission whose ``meta/deprecatedID`` names a visit
  already imported (its values and instance id are replaced), or a known
  instance id whose answers changed;
- **unchanged**: the instance id was imported before with the same answers
  (or was since replaced by an edit): importing a file twice adds nothing;
- **rejected**: a rule of the web form is broken; the reason names the column.

The commit re-reads the file against the database as it is then, writes the
adds and updates in one transaction (rejected rows are reported, not kept),
recomputes the touched enterprises' flags once, and commits. Reading and
checking the rows is ``visit_import_rows``; writing them in bulk (10,000 rows
in seconds, benchmarks/visit_import.py) is ``visit_import_write``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.monitoring.submission import ExportFormat
from portfolio.domain.monitoring.vocabulary import VisitSource
from portfolio.models import Commune, Enterprise, db
from portfolio.models.monitoring import Visit, VisitProblem
from portfolio.services.flags import refresh_enterprises
from portfolio.services.unit_of_work import unit_of_work
from portfolio.services.visit_import_rows import (
    ITEM_CODES,
    ExportTable,
    RowRejected,
    Submission,
    UnreadableExport,
    parse_row,
    read_export,
)
from portfolio.services.visit_import_write import apply_update, insert_new
from portfolio.services.visit_plan import first_support_dates
from portfolio.services.visits import score_weights

#: Visit columns an export sets (compared to tell "unchanged" from "update").
IMPORTED_FIELDS = (
    "enterprise_id",
    "visited_on",
    "owner_present",
    "business_status",
    "monthly_sales_xof",
    "monthly_costs_xof",
    "stock_level",
    "paid_employees",
    "family_workers",
    "kit_retained_pct",
    "kit_sold",
    *ITEM_CODES,
    "latitude",
    "longitude",
    "gps_accuracy_m",
    "support_needed",
    "notes",
)
#: Rows per IN (...) list: SQLite accepts at most 999 parameters per statement in old builds.
CHUNK = 900

Progress = Callable[[int], None]

__all__ = [
    "Action",
    "ImportReport",
    "RowOutcome",
    "UnreadableExport",
    "import_visits",
]


class Action(StrEnum):
    ADD = "add"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(slots=True)
class RowOutcome:
    row: int
    action: Action
    instance_id: str | None = None
    enterprise_id: int | None = None
    enterprise_name: str | None = None
    visited_on: date | None = None
    reason: str | None = None
    submission: Submission | None = field(default=None, repr=False)
    #: The id of the visit an update replaces.
    visit_id: int | None = field(default=None, repr=False)


@dataclass
class ImportReport:
    format: ExportFormat
    outcomes: list[RowOutcome]
    committed: bool = False
    seconds: float = 0.0

    @property
    def source(self) -> VisitSource:
        return VisitSource.KOBO if self.format is ExportFormat.KOBO else VisitSource.ODK

    def count(self, action: Action) -> int:
        return sum(1 for o in self.outcomes if o.action is action)

    @property
    def added(self) -> int:
        return self.count(Action.ADD)

    @property
    def updated(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED)

    @property
    def rejected(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action is Action.REJECTED]

    def rows(self, action: Action) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action is action]

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [{"row": o.row, "reason": o.reason} for o in self.rejected],
        }


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- what the database already holds ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _KnownVisit:
    id: int
    enterprise_id: int
    instance_id: str
    snapshot: tuple


@dataclass
class _Known:
    #: enterprise id → (name, region id)
    enterprises: dict[int, tuple[str, int]]
    first_support: dict[int, date]
    by_instance: dict[str, _KnownVisit]
    #: instance ids some visit was imported to replace
    replaced: set[str]


def _known_visits(instance_ids: Sequence[str]) -> list[_KnownVisit]:
    """The visits holding these instance ids, as plain rows (no ORM objects: fast for 10k)."""
    session = db.session
    table = Visit.__table__
    rows = list(
        session.execute(
            sa.select(
                table.c.id, table.c.instance_id, *(table.c[f] for f in IMPORTED_FIELDS)
            ).where(table.c.instance_id.in_(instance_ids))
        )
    )
    problems: dict[int, set] = {}
    if rows:
        for visit_id, problem in session.execute(
            sa.select(VisitProblem.visit_id, VisitProblem.problem).where(
                VisitProblem.visit_id.in_([r[0] for r in rows])
            )
        ):
            problems.setdefault(visit_id, set()).add(problem)
    return [
        _KnownVisit(row[0], row[2], row[1], (*row[2:], frozenset(problems.get(row[0], ()))))
        for row in rows
    ]


def _load_known(submissions: list[Submission]) -> _Known:
    session = db.session
    instance_ids = sorted(
        {s.instance_id for s in submissions}
        | {s.deprecated_id for s in submissions if s.deprecated_id}
    )
    by_instance: dict[str, _KnownVisit] = {}
    replaced: set[str] = set()
    for chunk in _chunks(instance_ids):
        by_instance.update((v.instance_id, v) for v in _known_visits(chunk))
        replaced.update(
            session.scalars(
                sa.select(Visit.replaces_instance_id).where(Visit.replaces_instance_id.in_(chunk))
            )
        )
    enterprise_ids = sorted(
        {s.enterprise_id for s in submissions} | {v.enterprise_id for v in by_instance.values()}
    )
    enterprises: dict[int, tuple[str, int]] = {}
    first_support: dict[int, date] = {}
    for chunk in _chunks(enterprise_ids):
        for id_, name, region_id in session.execute(
            sa.select(Enterprise.id, Enterprise.name, Commune.region_id)
            .join(Commune, Enterprise.commune_id == Commune.id)
            .where(Enterprise.id.in_(chunk))
        ):
            enterprises[id_] = (name, region_id)
        first_support.update(first_support_dates(chunk))
    return _Known(enterprises, first_support, by_instance, replaced)


def _snapshot_of_submission(s: Submission) -> tuple:
    values = {**s.values, "enterprise_id": s.enterprise_id}
    return (*(values[name] for name in IMPORTED_FIELDS), s.problems)


# --- planning --------------------------------------------------------------------------------


def _check_enterprise(s: Submission, known: _Known, region_id: int | None) -> str | None:
    found = known.enterprises.get(s.enterprise_id)
    if found is None:
        return _(
            "Column “%(column)s”: %(problem)s",
            column="enterprise",
            problem=_("unknown enterprise."),
        )
    if region_id is not None and found[1] != region_id:
        return _(
            "Column “%(column)s”: %(problem)s",
            column="enterprise",
            problem=_("this enterprise is not in your region."),
        )
    first = known.first_support.get(s.enterprise_id)
    if first is not None and s.values["visited_on"] < first:
        return _(
            "Column “%(column)s”: %(problem)s",
            column="visited_on",
            problem=_(
                "the visit date cannot be before the first support, handed over on %(day)s.",
                day=first.strftime("%d/%m/%Y"),
            ),
        )
    return None


def _classify(
    submissions: list[Submission], known: _Known, region_id: int | None
) -> list[RowOutcome]:
    outcomes: list[RowOutcome] = []
    seen: dict[str, Submission] = {}
    #: deprecated id → the row of this file that edits it
    edited_in_file = {s.deprecated_id: s.row for s in submissions if s.deprecated_id}
    claimed: dict[int, int] = {}  # visit id → row that updates it
    for s in submissions:
        outcome = RowOutcome(
            s.row,
            Action.ADD,
            s.instance_id,
            s.enterprise_id,
            known.enterprises.get(s.enterprise_id, ("", 0))[0] or None,
            s.values["visited_on"],
            submission=s,
        )
        outcomes.append(outcome)
        previous = seen.get(s.instance_id)
        if previous is not None:
            if _snapshot_of_submission(previous) == _snapshot_of_submission(s):
                outcome.action = Action.UNCHANGED
            else:
                outcome.action = Action.REJECTED
                outcome.reason = _(
                    "The instance id %(id)s already appears on row %(row)d with other answers.",
                    id=s.instance_id,
                    row=previous.row,
                )
            continue
        seen[s.instance_id] = s
        if s.instance_id in edited_in_file or s.instance_id in known.replaced:
            # An earlier version of a submission edited since: the edit is what counts.
            outcome.action = Action.UNCHANGED
            continue
        if (problem := _check_enterprise(s, known, region_id)) is not None:
            outcome.action, outcome.reason = Action.REJECTED, problem
            continue
        target = known.by_instance.get(s.instance_id)
        if target is None and s.deprecated_id:
            target = known.by_instance.get(s.deprecated_id)
        if target is None:
            continue  # a new visit
        if (
            region_id is not None
            and known.enterprises.get(target.enterprise_id, ("", 0))[1] != region_id
        ):
            outcome.action = Action.REJECTED
            outcome.reason = _("This submission replaces a visit outside your region.")
            continue
        if target.instance_id == s.instance_id and target.snapshot == _snapshot_of_submission(s):
            outcome.action = Action.UNCHANGED
            continue
        if target.id in claimed:
            outcome.action = Action.REJECTED
            outcome.reason = _(
                "The visit this submission edits is already replaced by row %(row)d.",
                row=claimed[target.id],
            )
            continue
        claimed[target.id] = s.row
        outcome.action, outcome.visit_id = Action.UPDATE, target.id
    return outcomes


def plan_import(
    table: ExportTable,
    *,
    region_id: int | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> list[RowOutcome]:
    """What importing the rows would do, row by row; reads only."""
    today = today or date.today()
    submissions: list[Submission] = []
    rejected: list[RowOutcome] = []
    for index, (number, cells) in enumerate(table.rows, start=1):
        try:
            submissions.append(parse_row(table, number, cells, today))
        except RowRejected as problem:
            rejected.append(RowOutcome(number, Action.REJECTED, reason=problem.message))
        if progress is not None and index % 500 == 0:
            progress(500)
    if progress is not None:
        progress(len(table.rows) % 500)
    outcomes = _classify(submissions, _load_known(submissions), region_id) + rejected
    outcomes.sort(key=lambda o: o.row)
    return outcomes


def _commit(
    outcomes: list[RowOutcome],
    source: VisitSource,
    recorded_by_id: int | None,
    progress: Progress | None,
) -> None:
    adds = [o.submission for o in outcomes if o.action is Action.ADD and o.submission]
    updates = [o for o in outcomes if o.action is Action.UPDATE]
    if not adds and not updates:
        return
    touched = {s.enterprise_id for s in adds}
    with unit_of_work() as session:
        weights = score_weights()
        for outcome in updates:
            visit = session.get(Visit, outcome.visit_id)
            assert visit is not None and outcome.submission is not None
            touched.update((visit.enterprise_id, outcome.submission.enterprise_id))
            apply_update(visit, outcome.submission, source, weights)
        session.flush()
        insert_new(adds, weights, source, recorded_by_id, progress)
        refresh_enterprises(sorted(touched))


def import_visits(
    data: bytes,
    *,
    export_format: ExportFormat | None = None,
    region_id: int | None = None,
    recorded_by_id: int | None = None,
    dry_run: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, check and (unless ``dry_run``) import an export; UnreadableExport if it cannot be read.

    ``region_id`` limits the enterprises to a monitor's region. ``progress(n)`` is
    called as rows are checked, then as they are written.
    """
    started = time.perf_counter()
    table = read_export(data, export_format)
    outcomes = plan_import(table, region_id=region_id, today=today, progress=progress)
    report = ImportReport(table.format, outcomes)
    if dry_run:
        db.session.rollback()
    else:
        try:
            _commit(outcomes, report.source, recorded_by_id, progress)
        except sa.exc.IntegrityError:
            # The same export imported at the same moment by someone else: plan again
            # against what they committed (their rows are now "unchanged"), once.
            report.outcomes = plan_import(table, region_id=region_id, today=today)
            _commit(report.outcomes, report.source, recorded_by_id, None)
        report.committed = True
    report.seconds = time.perf_counter() - started
    return report


def rows_to_write(data: bytes, export_format: ExportFormat | None = None) -> int:
    """Rows in the file (for a progress bar's length): checked once, written once."""
    table = read_export(data, export_format)
    return len(table.rows)
