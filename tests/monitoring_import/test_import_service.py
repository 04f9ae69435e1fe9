"""Kobo and ODK exports become visits: parsed values, idempotence, edits, rejections."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.domain.monitoring.vocabulary import (
    BusinessStatus,
    Problem,
    StockLevel,
    VisitSource,
)
from portfolio.domain.vocabulary import Role
from portfolio.models import Flag, Visit, VisitProblem, db
from portfolio.services import visit_import
from portfolio.services.visit_import import import_visits
from portfolio.services.visit_import_rows import UnreadableExport
from tests.monitoring_import.conftest import as_xlsx, export

FIRST = "uuid:0b6d9f0e-1111-4c2e-9a51-000000000001"


def _visits() -> dict[str, Visit]:
    return {v.instance_id: v for v in db.session.scalars(sa.select(Visit))}


def _values(visit: Visit) -> tuple:
    return (
        visit.enterprise_id,
        visit.visited_on,
        visit.owner_present,
        visit.business_status,
        visit.monthly_sales_xof,
        visit.monthly_costs_xof,
        visit.net_income_xof,
        visit.stock_level,
        visit.kit_retained_pct,
        visit.kit_sold,
        visit.latitude,
        visit.notes,
        sorted(p.problem for p in visit.problems),
    )


def test_a_kobo_csv_with_semicolons_becomes_visits_with_the_answers(enterprises):
    report = import_visits(export("kobo_semicolon.csv", enterprises))

    assert (report.added, report.updated, report.unchanged, report.rejected) == (3, 0, 0, [])
    visits = _visits()
    full = visits[FIRST]
    assert full.enterprise_id == enterprises["kayes"]
    assert full.visited_on.isoformat() == "2026-10-15"
    assert full.owner_present is True
    assert full.business_status is BusinessStatus.OPERATING
    assert (full.monthly_sales_xof, full.monthly_costs_xof) == (150_000, 90_000)
    assert full.net_income_xof == 60_000
    assert full.stock_level is StockLevel.ENOUGH
    assert (full.paid_employees, full.family_workers) == (1, 2)
    assert {p.problem for p in full.problems} == {Problem.RAW_MATERIALS, Problem.DEBT}
    assert (full.kit_retained_pct, full.kit_sold) == (80, False)
    assert (full.income_sufficiency, full.staying_is_a_choice, full.wants_psychological_help) == (
        3,
        4,
        0,
    )
    assert (full.latitude, full.longitude, full.gps_accuracy_m) == (14.4469, -11.4451, 4.5)
    assert full.notes == "Atelier propre\n[photo non transférée : 1700000000.jpg]"
    assert full.photo_file is None
    assert full.support_needed == "Formation en gestion"
    assert full.source is VisitSource.KOBO
    assert full.submitted_by == "suivi.kayes"
    assert full.submitted_at == datetime(2026, 10, 15, 18, 12, 44)
    assert full.composite_score is not None and Decimal(0) < full.composite_score < Decimal(1)
    bare = visits["uuid:0b6d9f0e-1111-4c2e-9a51-000000000002"]
    assert bare.owner_present is False and bare.kit_sold is True
    assert bare.monthly_sales_xof is None and bare.net_income_xof is None
    assert bare.composite_score is None and bare.problems == []
    # The enterprise in another region is fine for an import with no region limit.
    loss = visits["uuid:0b6d9f0e-1111-4c2e-9a51-000000000003"]
    assert loss.net_income_xof == -50_000


@pytest.mark.parametrize("name", ["kobo_comma.csv", "xlsx"])
def test_commas_and_the_xlsx_export_give_the_same_visits(enterprises, name):
    import_visits(export("kobo_semicolon.csv", enterprises))
    expected = {key: _values(v) for key, v in _visits().items()}
    db.session.execute(sa.delete(Flag))
    db.session.execute(sa.delete(VisitProblem))
    db.session.execute(sa.delete(Visit))
    db.session.commit()

    data = export(name, enterprises) if name.endswith(".csv") else None
    if data is None:
        data = as_xlsx(export("kobo_semicolon.csv", enterprises))
    report = import_visits(data)

    assert report.added == 3 and report.rejected == []
    assert {key: _values(v) for key, v in _visits().items()} == expected


def test_an_odk_central_csv_is_recognised_and_read(enterprises):
    report = import_visits(export("odk_central.csv", enterprises))

    assert report.format.value == "odk"
    assert report.added == 2
    # Row 4 was rejected by a supervisor on ODK Central: not imported.
    assert [(r.row, "ReviewState" in r.reason) for r in report.rejected] == [(4, True)]
    visit = _visits()["uuid:6c1f0c8e-3333-4b7a-8a0e-000000000001"]
    assert visit.source is VisitSource.ODK
    assert visit.submitted_by == "Awa Diarra"
    assert visit.submitted_at == datetime(2026, 11, 3, 10, 15, 2)
    assert (visit.monthly_sales_xof, visit.net_income_xof) == (200_000, 80_000)
    assert {p.problem for p in visit.problems} == {Problem.MARKET_ACCESS, Problem.SEASONALITY}
    assert (visit.latitude, visit.longitude, visit.gps_accuracy_m) == (14.45, -11.44, 3.9)
    assert (visit.kit_retained_pct, visit.kit_sold, visit.work) == (55, True, 1)
    moved = _visits()["uuid:6c1f0c8e-3333-4b7a-8a0e-000000000002"]
    assert moved.business_status is BusinessStatus.MOVED and moved.paid_employees == 0


def test_importing_the_same_file_twice_adds_nothing_the_second_time(enterprises):
    data = export("kobo_semicolon.csv", enterprises)
    import_visits(data)

    again = import_visits(data)

    assert again.as_json() == {"added": 0, "updated": 0, "unchanged": 3, "rejected": []}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 3


def test_an_edited_submission_replaces_the_visit_it_edits(enterprises):
    import_visits(export("kobo_semicolon.csv", enterprises))
    original_id = _visits()[FIRST].id

    report = import_visits(export("kobo_edit.csv", enterprises))

    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    db.session.expire_all()
    edited = db.session.get(Visit, original_id)
    assert edited.instance_id == "uuid:0b6d9f0e-1111-4c2e-9a51-0000000000e1"
    assert edited.replaces_instance_id == FIRST
    assert (edited.monthly_sales_xof, edited.net_income_xof) == (175_000, 85_000)
    assert [p.problem for p in edited.problems] == [Problem.RAW_MATERIALS]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 3
    # The old export again: the edited row is recognised as replaced, nothing comes back.
    old_again = import_visits(export("kobo_semicolon.csv", enterprises))
    assert (old_again.added, old_again.updated, old_again.unchanged) == (0, 0, 3)
    assert import_visits(export("kobo_edit.csv", enterprises)).unchanged == 1


def test_bad_rows_are_rejected_with_their_row_number_and_the_column(enterprises):
    report = import_visits(export("kobo_bad.csv", enterprises), region_id=None)

    reasons = {r.row: r.reason for r in report.rejected}
    assert report.added == 2  # row 2, and row 12 (another region, no region limit here)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "visited_on" in reasons[3] and "future" in reasons[3]
    assert "business/monthly_sales_xof" in reasons[4]
    assert "business/business_status" in reasons[5] and "flourishing" in reasons[5]
    assert "psychosocial/staying_is_a_choice" in reasons[6]
    assert "enterprise" in reasons[7] and "unknown" in reasons[7].lower()
    assert "meta/instanceID" in reasons[8]
    assert "whole number of francs" in reasons[9]
    assert "kit/kit_retained_pct" in reasons[10]
    assert "problems" in reasons[11]


def test_a_monitor_imports_only_for_the_enterprises_of_their_region(enterprises, users):
    region_id = users[Role.MONITOR].region_id
    report = import_visits(export("kobo_bad.csv", enterprises), region_id=region_id)

    rejected = {r.row: r.reason for r in report.rejected}
    assert "not in your region" in rejected[12]
    assert report.added == 1


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02 not a file",
        b"PK\x03\x04 broken workbook",
        b"loan_id;paid_on;amount_xof\n1;2026-01-01;5000\n",
    ],
)
def test_a_file_that_cannot_be_read_changes_nothing(enterprises, data):
    with pytest.raises(UnreadableExport):
        import_visits(data)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0


def test_a_fault_in_the_middle_of_the_commit_leaves_the_database_unchanged(
    enterprises, monkeypatch
):
    import_visits(export("kobo_semicolon.csv", enterprises))
    before = {key: _values(v) for key, v in _visits().items()}

    def broken(_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(visit_import, "refresh_enterprises", broken)
    with pytest.raises(RuntimeError):
        import_visits(export("kobo_edit.csv", enterprises))
    with pytest.raises(RuntimeError):
        import_visits(export("odk_central.csv", enterprises))

    db.session.expire_all()
    assert {key: _values(v) for key, v in _visits().items()} == before


def test_a_dry_run_reports_without_writing(enterprises):
    report = import_visits(export("kobo_semicolon.csv", enterprises), dry_run=True)

    assert (report.added, report.committed) == (3, False)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0
