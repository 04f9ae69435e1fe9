"""`flask flags recompute`: a progress bar and a summary."""

from __future__ import annotations

import pytest

from portfolio.domain.monitoring.vocabulary import BusinessStatus
from tests.monitoring_flags.conftest import add_visit, days_ago

pytestmark = pytest.mark.usefixtures("english_messages")


def test_recompute_command(runner, make):
    e = make()
    make()
    add_visit(e, days_ago(2), status=BusinessStatus.CLOSED)
    result = runner.invoke(args=["flags", "recompute", "--chunk-size", "100"])
    assert result.exit_code == 0, result.output
    assert "2 enterprises in" in result.output
    assert "1 flags raised, 0 cleared, 0 kept." in result.output
    assert "at_risk   1" in result.output and "ok        1" in result.output
    again = runner.invoke(args=["flags", "recompute"])
    assert "0 flags raised, 0 cleared, 1 kept." in again.output


def test_bad_chunk_size_is_refused(runner, app):
    result = runner.invoke(args=["flags", "recompute", "--chunk-size", "0"])
    assert result.exit_code != 0 and "chunk-size" in result.output
