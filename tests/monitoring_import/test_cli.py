"""`flask visits import`: the JSON report, dry runs, unreadable files."""

from __future__ import annotations

import json

import sqlalchemy as sa

from portfolio.models import Visit, db
from tests.monitoring_import.conftest import export


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Visit))


def test_json_output_has_exactly_the_documented_shape(enterprises, runner, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(export("kobo_bad.csv", enterprises))

    result = runner.invoke(args=["visits", "import", str(path), "--json"])

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert list(printed) == ["added", "updated", "unchanged", "rejected"]
    assert (printed["added"], printed["updated"], printed["unchanged"]) == (2, 0, 0)
    assert [r["row"] for r in printed["rejected"]] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert all(set(r) == {"row", "reason"} and r["reason"] for r in printed["rejected"])
    again = json.loads(runner.invoke(args=["visits", "import", str(path), "--json"]).stdout)
    assert (again["added"], again["unchanged"]) == (0, 2)


def test_a_dry_run_changes_nothing_and_the_format_can_be_forced(enterprises, runner, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(export("odk_central.csv", enterprises))

    result = runner.invoke(
        args=["visits", "import", str(path), "--format", "odk", "--dry-run", "--json"]
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 2
    assert _count() == 0


def test_a_file_that_cannot_be_read_exits_with_an_error(enterprises, runner, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"name;amount\nx;1\n")

    result = runner.invoke(args=["visits", "import", str(path), "--json"])

    assert result.exit_code != 0
    assert "KoboToolbox" in result.output
    assert _count() == 0
