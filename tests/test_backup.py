"""A backup restored brings back exactly what was saved (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.models import Beneficiary, db
from portfolio.services.demo import seed_portfolio


def test_a_backup_round_trip_restores_the_data_as_it_was(runner, tmp_path):
    seed_portfolio(5)
    names = sorted(db.session.scalars(sa.select(Beneficiary.last_name)))
    target = tmp_path / "saved.backup"
    result = runner.invoke(args=["backup", "create", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    db.session.execute(sa.update(Beneficiary).values(last_name="EFFACÉ"))
    db.session.commit()

    result = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert sorted(db.session.scalars(sa.select(Beneficiary.last_name))) == names


def test_restoring_a_missing_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "none.backup"), "--yes"])
    assert result.exit_code != 0 and "no such backup file" in result.output
