"""Routes of the visits blueprint."""

from portfolio.web.visits import bp  # noqa: F401
