"""Budget pages: programmes and their lines, new lines, revisions with their reasons."""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.vocabulary import Role
from portfolio.models import BudgetLine, BudgetRevision, db
from tests.ledger_grants.conftest import count, text


def test_the_index_lists_programmes_with_the_totals_of_their_lines(
    login, award, pay, enterprise, grant_line, training_line
):
    grant = award(enterprise)
    pay(grant, 1, 600_000)
    client = login(Role.MONITOR)  # everyone may read budgets

    page = text(client.get("/budgets/"))

    row = page[page.index("UE-OIM-2017") :].split("</tr>")[0]
    assert "6 000 000 FCFA" in row  # 5 000 000 grants + 1 000 000 training
    assert "1 000 000 FCFA" in row  # committed
    assert "600 000 FCFA" in row  # disbursed
    assert "5 000 000 FCFA" in row  # remaining


def test_a_manager_creates_a_line_on_a_programme(login, programme):
    client = login(Role.MANAGER)

    response = client.post(
        f"/budgets/programmes/{programme.id}/lignes/nouvelle",
        data={"instrument": "kit", "label": "Kits d'installation", "amount_xof": "75 000 000"},
    )

    assert response.status_code == 302
    page = text(client.get(f"/budgets/programmes/{programme.id}"))
    assert "Kits d'installation" in page and "75 000 000 FCFA" in page
    line = db.session.scalar(sa.select(BudgetLine))
    assert (line.instrument, line.amount_xof) == (Instrument.KIT, 75_000_000)


def test_a_line_name_used_twice_on_a_programme_is_refused(login, programme, grant_line):
    client = login(Role.MANAGER)

    page = text(
        client.post(
            f"/budgets/programmes/{programme.id}/lignes/nouvelle",
            data={"instrument": "grant", "label": "Subventions AGR", "amount_xof": "1 000"},
        )
    )

    assert "already has a line with this name" in page
    assert count(BudgetLine) == 1


def test_a_revision_needs_a_reason_and_is_kept_in_the_lines_history(login, users, grant_line):
    client = login(Role.MANAGER)
    url = f"/budgets/lignes/{grant_line.id}/revision"

    without = client.post(url, data={"amount_xof": "7 000 000", "reason": " "})
    response = client.post(
        url, data={"amount_xof": "7 000 000", "reason": "Avenant n°2 du bailleur"}
    )

    assert without.status_code == 200 and response.status_code == 302
    assert count(BudgetRevision) == 1
    page = text(client.get(f"/budgets/lignes/{grant_line.id}"))
    assert "Avenant n°2 du bailleur" in page
    assert users[Role.MANAGER].name in page
    history = page[page.index("Avenant") - 600 : page.index("Avenant")]
    assert "5 000 000 FCFA" in history and "7 000 000 FCFA" in history


def test_a_line_cannot_be_lowered_below_what_is_committed(login, award, enterprise, grant_line):
    award(enterprise)
    client = login(Role.ADMIN)

    page = text(
        client.post(
            f"/budgets/lignes/{grant_line.id}/revision",
            data={"amount_xof": "900 000", "reason": "Coupe budgétaire"},
        )
    )

    assert "cannot go below what is already committed (1 000 000 FCFA)" in page
    db.session.expire_all()
    assert db.session.get(BudgetLine, grant_line.id).amount_xof == 5_000_000


def test_finance_officers_and_monitors_read_budgets_but_cannot_change_them(
    login, client, auth, programme, grant_line
):
    for role in (Role.FINANCE, Role.MONITOR):
        login(role)
        assert client.get(f"/budgets/programmes/{programme.id}").status_code == 200
        assert client.get(f"/budgets/lignes/{grant_line.id}/revision").status_code == 403
        new_line = f"/budgets/programmes/{programme.id}/lignes/nouvelle"
        assert client.post(new_line, data={}).status_code == 403
        auth.logout()
    assert count(BudgetRevision) == 0
