"""/api/v1/visits: follow-up visits and the visit plan."""

from portfolio.api import bp  # noqa: F401
