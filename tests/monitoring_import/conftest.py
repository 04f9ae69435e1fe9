"""Enterprises in two regions and the export fixtures (data/) filled with their ids."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl import Workbook

from portfolio.domain.vocabulary import Role
from tests.ledger_loans.conftest import make_enterprise

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def english_messages(app):
    """Services answer in the locale of their context; tests read the English msgids."""
    with force_locale("en"):
        yield


@pytest.fixture
def enterprises(users) -> dict[str, int]:
    """One enterprise in Kayes (the monitor's region), one in Ségou."""
    return {"kayes": make_enterprise("Kayes").id, "other": make_enterprise("Ségou").id}


def export(name: str, enterprises: dict[str, int]) -> bytes:
    """A fixture file with the test's enterprise ids in place of {kayes} and {other}."""
    text = (DATA / name).read_text(encoding="utf-8")
    for key, value in enterprises.items():
        text = text.replace("{" + key + "}", str(value))
    return text.encode("utf-8")


def as_xlsx(csv_bytes: bytes, delimiter: str = ";") -> bytes:
    """The same export as Kobo's XLSX download: one sheet, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(csv_bytes.decode("utf-8")), delimiter=delimiter):
        sheet.append([int(v) if v.isdigit() and len(v) < 12 else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def login(client, auth):
    def login_as(role: Role, locale: str = "en"):
        auth.login(role)
        client.post("/langue", data={"locale": locale, "next": "/"})
        return client

    return login_as
