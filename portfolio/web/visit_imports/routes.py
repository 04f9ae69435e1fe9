"""Routes of the visit_imports blueprint."""

from portfolio.web.visit_imports import bp  # noqa: F401
