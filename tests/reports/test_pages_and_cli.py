"""The reports pages and the command line: who may, what they get, what they are told."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portfolio.domain.vocabulary import Role
from portfolio.models import AuditEntry, db
from portfolio.reporting.arrears import ArrearsFilter, portfolio_quality
from portfolio.reporting.stress_test import StressScenario, load_book, stress_test
from tests.reports.conftest import PROGRAMME

pytestmark = pytest.mark.usefixtures("english_messages")


def report_args(demo, **more) -> dict:
    return {
        "programme_id": demo.id,
        "period_from": "2025-01-01",
        "period_to": "2026-06-30",
        "lang": "en",
        "format": "xlsx",
        **more,
    }


@pytest.mark.parametrize("role", [Role.FINANCE, Role.MONITOR])
def test_finance_officers_and_monitors_may_not_open_the_reports(client, login, role):
    login(role)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/stress").status_code == 403


def test_a_manager_downloads_the_workbook_and_the_download_is_audited(client, login, demo):
    login(Role.MANAGER)
    page = client.get("/reports/")
    assert page.status_code == 200 and b"Download the report" in page.data
    response = client.get("/reports/", query_string=report_args(demo))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f"report-{PROGRAMME}-20250101-20260630.xlsx" in response.headers["Content-Disposition"]
    assert "Key figures" in load_workbook(io.BytesIO(response.data)).sheetnames
    event = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "donor_report")
    ).one()
    assert event.record_id == demo.id and event.changes["format"] == "xlsx"


def test_an_admin_downloads_the_pdf_in_french(client, login, demo):
    login(Role.ADMIN)
    response = client.get("/reports/", query_string=report_args(demo, format="pdf", lang="fr"))
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert "rapport-" in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"period_from": "2026-07-01"}, b"The end of the period comes before its start."),
        ({"programme_id": "999999"}, b"Unknown programme."),
        ({"programme_id": "abc"}, b"Choose a programme."),
        ({"format": "doc"}, b"Not a valid choice"),
        ({"period_to": "31/02/2026"}, b"Not a valid date value"),
    ],
)
def test_a_bad_choice_is_explained_on_the_form(client, login, demo, change, message):
    login(Role.MANAGER)
    response = client.get("/reports/", query_string=report_args(demo, **change))
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert message in response.data


def test_the_stress_page_counts_loans_below_the_thresholds(client, login, demo):
    login(Role.MANAGER)
    calm = client.get("/reports/stress", query_string={"income_drop": "0", "rate_rise": "0"})
    assert calm.status_code == 200 and b"By region" in calm.data
    response = client.get("/reports/stress", query_string={"income_drop": "100", "rate_rise": "50"})
    assert response.status_code == 200 and b"By sector" in response.data


def test_without_income_every_loan_with_income_data_falls_below_one(demo):
    result = stress_test(StressScenario(Decimal(100), Decimal(0)), date.today())
    total = result.total
    assert total.loans > total.without_income
    assert total.stressed.not_carried == total.loans - total.without_income
    assert total.stressed.not_carried_xof + _outstanding_without_income(result) == (
        total.outstanding_xof
    )
    assert sum(g.loans for g in result.by_region) == total.loans
    assert sum(g.stressed.tight for g in result.by_sector) == total.stressed.tight
    assert total.baseline.not_carried <= total.stressed.not_carried
    assert total.loans == portfolio_quality(date.today(), ArrearsFilter()).loans


def _outstanding_without_income(result) -> int:
    book, *_ = load_book(result.as_of)
    return int(book.outstanding_xof[np.isnan(book.income_xof)].sum())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"income_drop": "120", "rate_rise": "2"}, b"Enter a fall between 0 and 100 %."),
        ({"income_drop": "10", "rate_rise": "60"}, b"Enter a rise between 0 and 50 points."),
        ({"income_drop": "beaucoup", "rate_rise": "2"}, b"Enter a percentage"),
    ],
)
def test_a_scenario_out_of_range_is_explained(client, login, demo, args, message):
    login(Role.MANAGER)
    response = client.get("/reports/stress", query_string=args)
    assert response.status_code == 200
    assert message in response.data
    assert b"By region" not in response.data


def test_the_command_writes_the_report(runner, demo, tmp_path):
    out = tmp_path / "report.xlsx"
    result = runner.invoke(
        args=[
            "reports", "donor", "--programme", PROGRAMME, "--from", "2025-01-01",
            "--to", "2026-06-30", "--format", "xlsx", "--out", str(out), "--lang", "en",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Key figures" in load_workbook(out).sheetnames


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--programme", "NOPE", "--from", "2026-01-01", "--to", "2026-06-30"],
            "Unknown programme",
        ),
        (
            ["--programme", PROGRAMME, "--from", "2026-07-01", "--to", "2026-06-30"],
            "The end of the period comes before its start.",
        ),
        (
            [
                "--programme",
                PROGRAMME,
                "--from",
                "2026-01-01",
                "--to",
                "2026-06-30",
                "--format",
                "doc",
            ],
            "'doc' is not one of",
        ),
        (["--programme", PROGRAMME, "--from", "2026-13-01", "--to", "2026-06-30"], "2026-13-01"),
    ],
)
def test_the_command_refuses_bad_input(runner, demo, tmp_path, args, message):
    out = tmp_path / "never.pdf"
    result = runner.invoke(args=["reports", "donor", *args, "--out", str(out)])
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists()
