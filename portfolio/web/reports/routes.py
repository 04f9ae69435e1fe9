"""Routes of the reports blueprint."""

from portfolio.web.reports import bp  # noqa: F401
