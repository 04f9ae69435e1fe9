"""Locale choice and the formatting filters used by every template."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_datetime, get_locale

from portfolio.domain.money import format_xof
from portfolio.web.labels import label


def select_locale() -> str:
    # French first: the chosen language is remembered in the session; the
    # browser's Accept-Language is deliberately not consulted.
    if not has_request_context():  # CLI commands and background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def money(amount: int | None) -> str:
    return format_xof(amount, str(get_locale()))


def francs(amount: int | None) -> str:
    """`1 250 000` with no currency: for tables whose caption says FCFA."""
    return (
        "" if amount is None else format_xof(amount, str(get_locale())).removesuffix("FCFA").strip()
    )


def day(value: date | datetime | None) -> str:
    """23/11/2026: day first in both languages, as everyone in Mali writes it."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def percent(fraction: Decimal | None, digits: int = 1) -> str:
    """0.5484 -> `54,8 %` in French, `54.8 %` in English; `—` when unknown."""
    if fraction is None:
        return "—"
    value = f"{Decimal(fraction) * 100:.{digits}f}"
    if str(get_locale()).startswith("fr"):
        value = value.replace(".", ",")
    return f"{value}\u00a0%"


def ratio(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}"
    return text.replace(".", ",") if str(get_locale()).startswith("fr") else text


def register(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(francs)
    app.add_template_filter(day)
    app.add_template_filter(moment)
    app.add_template_filter(percent)
    app.add_template_filter(ratio)
    app.add_template_global(label)
    app.add_template_global(lambda: str(get_locale()), "current_locale")
