"""A seeded demo portfolio (people, enterprises, money, loans) with visits and risk levels."""

from __future__ import annotations

import pytest

from portfolio.services import demo_visits
from portfolio.services.demo import next_enterprise_id, seed_portfolio, seed_support
from tests.dashboard.monitoring_rows import add_monitoring_rows


def seed_demo(enterprises: int, seed: int = 5) -> None:
    """Demo enterprises with their money and loans; visits, the plan and risk levels from
    `add_monitoring_rows` (the dashboard reads those tables, whoever fills them)."""
    first_id = next_enterprise_id()
    seed_portfolio(enterprises, seed=seed)
    seed_support(first_id, seed=seed)
    add_monitoring_rows(seed=seed)


@pytest.fixture(autouse=True)
def _no_demo_visits(monkeypatch):
    # The demo's own visit histories belong to the visits feature; these tests write
    # their own rows so that they check the dashboard against known data.
    monkeypatch.setattr(demo_visits, "seed_visits_demo", lambda *args, **kwargs: {})


@pytest.fixture
def demo(users):
    """60 demo enterprises with their support, loans, visits and risk levels."""
    seed_demo(60)
