"""Where the report layouts live and how their templates are loaded.

The folder is ``REPORTS_DIR`` (app config, else environment), by default
``reports/`` at the project's root, beside the ``portfolio`` package.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from flask import current_app
from flask_babel import get_locale
from jinja2 import Environment, FileSystemLoader

DEFAULT_REPORTS_DIR = Path(__file__).resolve().parents[2] / "reports"


def reports_dir() -> Path:
    configured = current_app.config.get("REPORTS_DIR") or os.environ.get("REPORTS_DIR")
    return Path(configured) if configured else DEFAULT_REPORTS_DIR


def layout_dir(report: str) -> Path:
    return reports_dir() / report


def number(value: int | None) -> str:
    """`12 345` in French (narrow no-break space), `12,345` in English."""
    if value is None:
        return ""
    text = f"{value:,}"
    return text.replace(",", "\u202f") if str(get_locale()).startswith("fr") else text


def environment(report: str) -> Environment:
    """The app's Jinja environment (filters, _(), label()) reading the layout's folder,
    plus the `number` filter."""
    env = current_app.jinja_env.overlay(loader=FileSystemLoader(layout_dir(report)))
    env.filters = {**env.filters, "number": number}  # the overlay shares the app's dict
    return env


def workbook_layout(report: str) -> dict:
    with open(layout_dir(report) / "workbook.toml", "rb") as file:
        return tomllib.load(file)
