"""The summary memo (reporting.dashboard_cache) is exact: a result is reused only under an
identical database snapshot, never after a change, never inside a writing transaction.

The memo's logic is tested under a stamp the test sets (other sessions on a shared
PostgreSQL server change the real one at any time); the real stamp is tested on its own.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import EnterpriseStatus, Role
from portfolio.models import Enterprise, db
from portfolio.reporting import dashboard_cache
from portfolio.reporting.summary import PortfolioFilters, portfolio_summary
from tests.dashboard.test_query_count import counting

TODAY = date.today()


@pytest.fixture
def stamp(monkeypatch):
    """The snapshot stamp, as the test sets it."""
    dashboard_cache.clear()
    current = {"value": "snapshot-1"}
    monkeypatch.setattr(dashboard_cache, "snapshot_stamp", lambda: current["value"])
    yield current
    dashboard_cache.clear()


def _queries(statements: list[str]) -> list[str]:
    return [s for s in statements if s != "BEGIN"]


def _close_one_enterprise(status: str = EnterpriseStatus.CLOSED) -> None:
    enterprise = db.session.scalar(
        sa.select(Enterprise).where(Enterprise.status == EnterpriseStatus.ACTIVE).limit(1)
    )
    enterprise.status = status


def test_the_same_snapshot_answers_from_the_memo_a_new_one_recomputes(demo, stamp):
    first = portfolio_summary(PortfolioFilters(), TODAY)
    with counting() as statements:
        again = portfolio_summary(PortfolioFilters(), TODAY)
    assert again == first
    assert _queries(statements) == []

    _close_one_enterprise()
    db.session.commit()
    stamp["value"] = "snapshot-2"
    with counting() as statements:
        after = portfolio_summary(PortfolioFilters(), TODAY)
    assert len(_queries(statements)) == 6
    assert after.enterprises_closed == first.enterprises_closed + 1
    assert after.enterprises_active == first.enterprises_active - 1


def test_without_a_stamp_everything_is_computed(demo, stamp):
    stamp["value"] = None
    first = portfolio_summary(PortfolioFilters(), TODAY)
    _close_one_enterprise(EnterpriseStatus.TEMPORARILY_CLOSED)
    db.session.flush()
    inside = portfolio_summary(PortfolioFilters(), TODAY)
    assert inside.enterprises_paused == first.enterprises_paused + 1
    db.session.rollback()


def test_filters_and_dates_are_kept_apart(demo, stamp):
    everyone = portfolio_summary(PortfolioFilters(), TODAY)
    women = portfolio_summary(PortfolioFilters(sex="F"), TODAY)
    earlier = portfolio_summary(PortfolioFilters(), date(TODAY.year - 1, 1, 1))
    assert 0 < women.beneficiaries < everyone.beneficiaries
    assert earlier.as_of != everyone.as_of
    with counting() as statements:
        assert portfolio_summary(PortfolioFilters(sex="F"), TODAY) == women
    assert _queries(statements) == []


def test_a_result_computed_while_the_snapshot_moved_is_not_kept(demo, monkeypatch):
    dashboard_cache.clear()
    stamps = iter(["snapshot-1", "snapshot-2", "snapshot-2", "snapshot-2"])
    monkeypatch.setattr(dashboard_cache, "snapshot_stamp", lambda: next(stamps))
    portfolio_summary(PortfolioFilters(), TODAY)  # snapshot-1 before, snapshot-2 after
    with counting() as statements:
        portfolio_summary(PortfolioFilters(), TODAY)  # snapshot-2: nothing kept for it
    assert len(_queries(statements)) == 6
    dashboard_cache.clear()


def test_the_real_stamp_changes_with_every_commit_and_is_none_once_written(demo):
    db.session.commit()
    before = dashboard_cache.snapshot_stamp()
    if db.engine.dialect.name != "postgresql":
        assert before is None  # SQLite: no stamp, nothing is memoised
        return
    assert before
    _close_one_enterprise()
    db.session.flush()
    assert dashboard_cache.snapshot_stamp() is None  # own changes are not in a snapshot
    db.session.commit()
    assert dashboard_cache.snapshot_stamp() not in (None, before)


def test_the_dashboard_page_reuses_its_figures_under_the_same_snapshot(client, auth, demo, stamp):
    auth.login(Role.MANAGER)
    assert client.get("/dashboard/").status_code == 200
    with counting() as statements:
        assert client.get("/dashboard/").status_code == 200
    assert not any("journal_entry" in s for s in statements)
    stamp["value"] = "snapshot-2"
    with counting() as statements:
        assert client.get("/dashboard/").status_code == 200
    assert any("journal_entry" in s for s in statements)
