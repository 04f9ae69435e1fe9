"""A bank or mobile-money statement is imported whole, or not at all."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, db
from tests.ledger_loans.conftest import DISBURSED_ON


def _repayments(loan_id: int) -> list[JournalEntry]:
    return list(
        db.session.scalars(
            sa.select(JournalEntry).where(
                JournalEntry.loan_id == loan_id, JournalEntry.kind == EntryKind.LOAN_REPAYMENT
            )
        )
    )


def _statement(tmp_path, *lines: str):
    path = tmp_path / "releve.csv"
    path.write_text(
        "\n".join(["loan_id;paid_on;amount_xof;channel;reference", *lines]), encoding="utf-8"
    )
    return path


def test_a_clean_statement_is_recorded_and_a_second_import_adds_nothing(runner, loans, tmp_path):
    loan = loans.active()
    day = (DISBURSED_ON + timedelta(days=31)).strftime("%d/%m/%Y")
    path = _statement(
        tmp_path,
        f"{loan.id};{day};11 500;mobile_money;OM-1",
        f"{loan.id};{day};2 000;especes;REC-7",
    )
    result = runner.invoke(
        args=["loans", "import-repayments", str(path), "--by", "finance@test.ml"]
    )
    assert result.exit_code == 0, result.output
    assert "2 repayment(s) recorded" in result.output
    assert sorted(e.amount_xof for e in _repayments(loan.id)) == [2_000, 11_500]
    again = runner.invoke(args=["loans", "import-repayments", str(path), "--by", "finance@test.ml"])
    assert again.exit_code == 0 and "2 already recorded" in again.output
    assert len(_repayments(loan.id)) == 2


def test_one_bad_row_keeps_the_whole_statement_out_and_is_reported(runner, loans, tmp_path):
    loan = loans.active()
    day = (DISBURSED_ON + timedelta(days=31)).isoformat()
    path = _statement(
        tmp_path,
        f"{loan.id};{day};10 000;cash;A",
        f"{loan.id};{day};10 000;cash;B",
        f"{loan.id};demain;10 000;cash;C",  # unreadable date
        f"999999;{day};5 000;cash;D",  # no such loan
        f"{loan.id};{day};99 999 999;cash;E",  # more than is owed
    )
    result = runner.invoke(
        args=["loans", "import-repayments", str(path), "--by", "finance@test.ml"]
    )
    assert result.exit_code != 0
    assert "row 4" in result.output and "row 5" in result.output and "row 6" in result.output
    assert "row 2" not in result.output and "row 3" not in result.output
    assert "nothing recorded" in result.output
    assert _repayments(loan.id) == []  # the good rows were not kept either


def test_a_failure_in_the_middle_leaves_the_database_as_it_was(loans, users, monkeypatch):
    """Fault injection: the third payment's service blows up unexpectedly."""
    import pytest

    from portfolio.services import repayment_import

    loan = loans.active()
    calls = {"n": 0}
    real = repayment_import.record_repayment

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(repayment_import, "record_repayment", flaky)
    day = (DISBURSED_ON + timedelta(days=31)).isoformat()
    content = "loan_id,paid_on,amount_xof\n" + "\n".join(
        f"{loan.id},{day},{1000 + i}" for i in range(4)
    )
    with pytest.raises(RuntimeError):
        repayment_import.import_repayments(content, users[Role.FINANCE].id)
    db.session.rollback()
    assert _repayments(loan.id) == []


def test_only_people_who_record_money_may_import(runner, loans, tmp_path):
    path = _statement(tmp_path, "1;2026-01-01;100;cash;X")
    result = runner.invoke(
        args=["loans", "import-repayments", str(path), "--by", "monitor@test.ml"]
    )
    assert result.exit_code != 0 and "cannot record repayments" in result.output
