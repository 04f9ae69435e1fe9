"""Helpers shared by the browser journeys.

Expected interface text comes from the application's own translation
catalogue (`t`), so the journeys hold both while the French catalogue is
being filled in and once it is complete: they assert that a person reads
what the catalogue says, in the language the page declares.
"""

from __future__ import annotations

from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect

from portfolio.domain.vocabulary import Role
from portfolio.web.labels import label
from tests.conftest import PASSWORD


def t(msgid: str, locale: str = "fr", **variables) -> str:
    """The text a person reads for `msgid` in `locale` (needs an app context)."""
    with force_locale(locale):
        return gettext(msgid, **variables)


def label_of(value, locale: str = "fr") -> str:
    """The label a person reads for a stored value (status, role...), in `locale`."""
    with force_locale(locale):
        return label(value)


def log_in(page: Page, role: Role, password: str = PASSWORD) -> None:
    """Fill in the login form the way a person does, and wait for the overview."""
    page.goto("/connexion")
    page.get_by_label(t("Email address"), exact=True).fill(f"{role.value}@test.ml")
    page.get_by_label(t("Password"), exact=True).fill(password)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Overview"))


def main_menu(page: Page, locale: str = "fr"):
    return page.get_by_role("navigation", name=t("Main menu", locale))


def fits_width(page: Page) -> bool:
    """True when nothing sticks out sideways (no horizontal scrolling on a phone)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
