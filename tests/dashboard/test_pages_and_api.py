"""The dashboard page, the summary API and the exports tell the same numbers."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portfolio.domain.monitoring.vocabulary import RiskLevel
from portfolio.domain.vocabulary import Role
from portfolio.models import AuditEntry, Enterprise, Region, db
from portfolio.reporting.dashboard_trends import scores_by_community
from portfolio.reporting.summary import PortfolioFilters, portfolio_summary, portfolio_summary_dict
from portfolio.services.users import issue_api_token
from tests.dashboard.conftest import seed_demo

TODAY = date.today()


def api_get(client, users, url: str, role: Role = Role.MANAGER):
    token = issue_api_token(users[role])
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def csv_rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return list(book.active.iter_rows(values_only=True))


def nbsp_number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def test_the_api_returns_the_summary_as_plain_json(demo, client, users):
    response = api_get(client, users, "/api/v1/portfolio/summary")
    assert response.status_code == 200
    body = response.get_json()
    assert body == portfolio_summary_dict(PortfolioFilters(), TODAY)
    assert body["enterprises"]["total"] == 60
    assert isinstance(body["loans"]["outstanding_xof"], int)
    assert body["loans"]["par30"] == round(body["loans"]["par30"], 4)


def test_the_api_filters_like_the_page_and_scopes_monitors_to_their_region(demo, client, users):
    kayes = db.session.scalar(sa.select(Region.id).where(Region.name == "Kayes"))
    mine = api_get(client, users, "/api/v1/portfolio/summary", role=Role.MONITOR).get_json()
    asked = api_get(client, users, f"/api/v1/portfolio/summary?region={kayes}").get_json()
    assert mine["enterprises"] == asked["enterprises"]
    assert mine["beneficiaries"] == asked["beneficiaries"]
    everyone = api_get(client, users, "/api/v1/portfolio/summary").get_json()
    assert mine["enterprises"]["total"] < everyone["enterprises"]["total"]


@pytest.mark.parametrize(
    "query",
    [
        "as_of=2099-01-01",
        "as_of=hier",
        "sex=X",
        "instrument=cash",
        "region=abc",
        "from=2026-05-01&to=2026-01-01",
        "colour=blue",
    ],
)
def test_a_bad_filter_is_a_422_with_a_message(client, users, query):
    response = api_get(client, users, f"/api/v1/portfolio/summary?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["message"]


def test_the_summary_is_documented_in_openapi(client, users):
    spec = api_get(client, users, "/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/portfolio/summary"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"as_of", "programme", "region", "sector", "sex", "instrument", "from", "to"}


def test_the_page_shows_the_summary_figures_with_links_to_the_lists(demo, client, auth):
    auth.login(Role.MANAGER)
    response = client.get("/dashboard/", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    s = portfolio_summary(PortfolioFilters(), TODAY)
    for n in (s.beneficiaries, s.enterprises, s.enterprises_active, s.jobs):
        assert f"<strong>{nbsp_number(n)}</strong>" in page
    assert 'href="/entreprises/?status=closed"' in page
    assert 'id="dashboard-charts"' in page and "<script>" not in page
    assert "chart-par" in page and "chart-risk" in page


def test_the_page_fetches_its_slower_parts_which_draw_every_chart(demo, client, auth):
    auth.login(Role.MANAGER)
    page = client.get("/dashboard/?sex=F").get_data(as_text=True)
    parts = json.loads(page.split('id="dashboard-parts">')[1].split("</script>")[0])
    assert set(parts) == {"breakdown", "survival", "par", "scores"}
    assert all("sex=F" in url for url in parts.values())
    drawn = set()
    for url in parts.values():
        response = client.get(url)
        assert response.status_code == 200 and response.is_json
        drawn |= {figure["id"] for figure in response.get_json()["figures"]}
    assert drawn == {"chart-regions", "chart-sectors", "chart-risk", "chart-survival", "chart-par"}
    # Every chart drawn by a part has its place on the page.
    assert all(f'id="{chart}"' in page for chart in drawn)


def test_the_scores_part_is_the_table_of_means_by_community(demo, client, auth):
    auth.login(Role.MANAGER)
    rows = scores_by_community(PortfolioFilters(), TODAY)
    assert rows
    html = client.get("/dashboard/parts/scores").get_json()["html"]
    assert html.count("<tr>") == len(rows) + 1  # one per community, and the header
    assert rows[0].community in html
    assert client.get("/dashboard/parts/nothing").status_code == 404


def test_without_loans_in_the_filter_there_is_no_par_part(demo, client, auth):
    auth.login(Role.MANAGER)
    page = client.get("/dashboard/?instrument=kit").get_data(as_text=True)
    assert "parts/par" not in page and 'id="chart-par"' not in page
    assert client.get("/dashboard/parts/par?instrument=kit").get_json()["figures"] == []


def test_the_page_keeps_its_filters_in_every_drill_down_link(demo, client, auth):
    kayes = db.session.scalar(sa.select(Region.id).where(Region.name == "Kayes"))
    auth.login(Role.MANAGER)
    page = client.get(f"/dashboard/?region={kayes}&sex=F").get_data(as_text=True)
    assert f"/entreprises/?region_id={kayes}&amp;sex=F&amp;status=active" in page
    assert f"/prets/retards?region_id={kayes}&amp;sex=F" in page


def test_a_bad_filter_on_the_page_is_shown_not_a_crash(demo, client, auth):
    auth.login(Role.MANAGER)
    response = client.get("/dashboard/?as_of=2099-01-01&from=2026-05-01&to=2026-01-01&sex=Z")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "La période se termine avant de commencer." in page
    assert "Les chiffres sont connus jusqu’à aujourd’hui" in page


def test_every_role_sees_the_dashboard_and_a_monitor_only_their_region(demo, client, auth):
    for role in Role:
        auth.login(role)
        assert client.get("/dashboard/").status_code == 200
        auth.logout()
    auth.login(Role.MONITOR)
    page = client.get("/dashboard/").get_data(as_text=True)
    assert 'name="region"' not in page  # no region choice: the monitor's is imposed


def test_the_risk_drill_down_lists_as_many_enterprises_as_the_chart(demo, client, auth):
    s = portfolio_summary(PortfolioFilters(), TODAY)
    auth.login(Role.MANAGER)
    for level in RiskLevel:
        response = client.get(f"/entreprises/export.csv?risk={level.value}")
        assert len(csv_rows(response)) - 1 == s.risk[level]


def test_exports_agree_with_the_summary(demo, client, auth):
    s = portfolio_summary(PortfolioFilters(), TODAY)
    auth.login(Role.MANAGER)
    people = xlsx_rows(client.get("/beneficiaires/export.xlsx"))
    assert len(people) - 1 == s.beneficiaries
    businesses = csv_rows(client.get("/entreprises/export.csv"))
    assert len(businesses) - 1 == s.enterprises
    jobs_column = businesses[0].index("Jobs") if "Jobs" in businesses[0] else 13
    active = [r for r in xlsx_rows(client.get("/entreprises/export.xlsx?status=active"))[1:]]
    assert len(active) == s.enterprises_active
    assert sum(r[jobs_column] for r in active) == s.jobs
    grants = xlsx_rows(client.get("/subventions/export.xlsx"))
    paid = sum(r[10] for r in grants[1:])
    assert paid == next(m.disbursed_xof for m in s.money if m.instrument == "grant")
    kits = xlsx_rows(client.get("/kits/export.xlsx"))
    standing = sum(r[10] for r in kits[1:] if not r[11])
    assert standing == next(m.disbursed_xof for m in s.money if m.instrument == "kit")
    loans = xlsx_rows(client.get("/prets/export.xlsx"))
    assert sum(r[10] for r in loans[1:]) == s.outstanding_xof
    journal = xlsx_rows(client.get("/prets/journal.xlsx"))
    assert len(journal) > 1 and journal[0][0]


def test_exports_are_recorded_and_need_the_export_permission(demo, client, auth):
    auth.login(Role.MONITOR)
    for url in (
        "/beneficiaires/export.xlsx",
        "/entreprises/export.csv",
        "/subventions/export.csv",
        "/subventions/allocations-formation/export.xlsx",
        "/kits/export.xlsx",
        "/prets/export.csv",
        "/prets/journal.xlsx",
        "/admin/journal-des-modifications/export.csv",
    ):
        assert client.get(url).status_code == 403, url
    auth.logout()
    auth.login(Role.FINANCE)
    assert client.get("/admin/journal-des-modifications/export.csv").status_code == 403
    before = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "export")
    )
    assert client.get("/kits/export.xlsx?region_id=1").status_code == 200
    assert client.get("/prets/journal.csv").status_code == 200
    after = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)
    ).all()
    assert len(after) == before + 2
    assert after[-2].changes == {"filters": "region_id=1", "format": "xlsx"}
    auth.logout()
    auth.login(Role.MANAGER)
    url = "/admin/journal-des-modifications/export.csv?table_name=kit_delivery"
    log = csv_rows(client.get(url))
    assert len(log) == 2 and log[1][3] == "export" and log[1][4] == "kit_delivery"


def test_a_formula_typed_into_a_name_stays_text_in_both_formats(client, auth, users):
    seed_demo(3)
    enterprise = db.session.scalars(sa.select(Enterprise).order_by(Enterprise.id)).first()
    enterprise.name = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    auth.login(Role.MANAGER)
    rows = csv_rows(client.get("/entreprises/export.csv"))
    assert ["'" + enterprise.name] == [r[1] for r in rows if r[1].startswith("'=")]
    book = load_workbook(io.BytesIO(client.get("/entreprises/export.xlsx").data))
    cells = [row[1] for row in book.active.iter_rows(min_row=2)]
    evil = next(c for c in cells if str(c.value).startswith("="))
    assert evil.data_type == "s" and evil.value == enterprise.name
