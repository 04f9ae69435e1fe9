"""Routes of the monitoring blueprint."""

from portfolio.web.monitoring import bp  # noqa: F401
