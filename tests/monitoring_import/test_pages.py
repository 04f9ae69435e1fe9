"""Upload → preview → import → summary on the web, with the limits and the region scope."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import Visit, db
from portfolio.web.visit_imports import routes
from tests.monitoring_import.conftest import as_xlsx, export


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Visit))


def _upload(client, data: bytes, name: str = "export.csv", export_format: str = ""):
    return client.post(
        "/visits/import/",
        data={"export": (io.BytesIO(data), name), "export_format": export_format},
        content_type="multipart/form-data",
    )


def test_upload_preview_then_import_records_the_visits(enterprises, login):
    client = login(Role.MANAGER)
    assert client.get("/visits/import/").status_code == 200

    sent = _upload(client, export("kobo_bad.csv", enterprises))
    assert sent.status_code == 302
    preview_url = sent.headers["Location"]
    preview = client.get(preview_url)

    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Visits to add" in page and "Rejected rows" in page
    assert "business/monthly_sales_xof" in page  # the reason names the column
    assert _count() == 0  # nothing saved by the preview

    done = client.post(preview_url)
    assert done.status_code == 302 and "/bilan" in done.headers["Location"]
    summary = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Import done" in summary
    assert _count() == 2
    # The upload is gone once imported, and the summary is no upload to import.
    assert client.get(preview_url).status_code == 404
    assert client.get(done.headers["Location"].removesuffix("/bilan")).status_code == 404


def test_the_xlsx_export_goes_through_the_same_pages(enterprises, login):
    client = login(Role.MANAGER)
    sent = _upload(client, as_xlsx(export("kobo_semicolon.csv", enterprises)), "export.xlsx")
    client.post(sent.headers["Location"])
    assert _count() == 3


def test_files_of_the_wrong_kind_or_size_are_refused_and_not_kept(enterprises, login, monkeypatch):
    client = login(Role.MANAGER)
    data = export("kobo_semicolon.csv", enterprises)

    wrong_extension = _upload(client, data, "export.pdf")
    assert wrong_extension.status_code == 400
    assert ".csv or .xlsx" in wrong_extension.get_data(as_text=True)
    disguised = _upload(client, data, "export.xlsx")
    assert "does not match its extension" in disguised.get_data(as_text=True)
    # The limit is 10 MB; a smaller one here keeps the test light.
    monkeypatch.setattr(routes, "MAX_BYTES", len(data) - 1)
    too_big = _upload(client, data, "export.csv")
    assert too_big.status_code == 400
    assert "larger than" in too_big.get_data(as_text=True)
    monkeypatch.undo()
    not_an_export = _upload(client, b"a;b\n1;2\n", "export.csv")
    assert "KoboToolbox or ODK Central" in not_an_export.get_data(as_text=True)
    assert _count() == 0


def test_a_monitor_imports_only_for_their_region(enterprises, login):
    client = login(Role.MONITOR)
    sent = _upload(client, export("kobo_bad.csv", enterprises))
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "not in your region" in page

    client.post(sent.headers["Location"])

    assert _count() == 1


def test_the_monitor_downloads_the_form_of_their_region(enterprises, login):
    client = login(Role.MONITOR)

    response = client.get("/visits/import/xlsform?region=999")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert b"Couture Traor" in response.data or response.data[:2] == b"PK"


def test_a_manager_downloads_the_form_of_any_region(enterprises, users, login):
    client = login(Role.MANAGER)
    kayes = users[Role.MONITOR].region_id

    assert client.get("/visits/import/xlsform").status_code == 200
    assert client.get(f"/visits/import/xlsform?region={kayes}").status_code == 200
    assert client.get("/visits/import/xlsform?region=²").status_code == 404


def test_people_without_the_visit_permission_are_refused(enterprises, client, auth):
    assert client.get("/visits/import/").status_code == 302  # to the login page
    auth.login(Role.FINANCE)
    assert client.get("/visits/import/").status_code == 403
    assert client.get("/visits/import/xlsform").status_code == 403
    response = _upload(client, export("kobo_semicolon.csv", enterprises))
    assert response.status_code == 403


def test_an_upload_belongs_to_the_person_who_sent_it(enterprises, login, auth):
    client = login(Role.MANAGER)
    location = _upload(client, export("kobo_semicolon.csv", enterprises)).headers["Location"]
    token = re.search(r"/visits/import/([^/]+)$", location).group(1)
    auth.logout()

    login(Role.ADMIN)

    assert client.get(f"/visits/import/{token}").status_code == 404
    assert client.post(f"/visits/import/{token}").status_code == 404
    assert client.get("/visits/import/not-a-token").status_code == 404
    assert _count() == 0
