"""Routes of the dashboard blueprint."""

from portfolio.web.dashboard import bp  # noqa: F401
