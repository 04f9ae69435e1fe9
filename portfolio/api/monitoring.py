"""/api/v1/flags and /api/v1/follow-up-actions: struggling enterprises."""

from portfolio.api import bp  # noqa: F401
