"""Load-test accounts, a fresh API token and the records the virtual users open.

Run by run.sh against the shared 100k demo database (DATABASE_URL). Idempotent:
the three load accounts are created once; each run revokes the previous
run's token and issues a new one. Writes the targets as JSON on stdout.
"""

from __future__ import annotations

import json
import os
import sys
import uuid

import sqlalchemy as sa

from portfolio import create_app
from portfolio.domain.ledger_vocabulary import LoanStatus
from portfolio.domain.vocabulary import Role
from portfolio.models import Commune, Enterprise, Loan, Region, Sector, User, db
from portfolio.services.users import create_user, issue_api_token, revoke_api_tokens

PASSWORD = os.environ.get("LOAD_PASSWORD", "Charge-Niamey-Kayes-2026")
REGION = "Kayes"
ACCOUNTS = {
    "monitor": ("load.monitor@bench.portfolio.ml", Role.MONITOR),
    "finance": ("load.finance@bench.portfolio.ml", Role.FINANCE),
    "manager": ("load.manager@bench.portfolio.ml", Role.MANAGER),
}
#: Repayments all go to these few loans, so that workers really do compete for them.
CONTENDED_LOANS = 5


def _account(email: str, role: Role, region_id: int) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = create_user(
            email=email,
            name=f"Load test {role.value}",
            role=role,
            password=PASSWORD,
            region_id=region_id if role is Role.MONITOR else None,
        )
    if not user.active:
        raise SystemExit(f"{email} is deactivated: reactivate it in the administration pages")
    return user


def main() -> None:
    app = create_app()
    with app.app_context():
        region_id = db.session.scalar(sa.select(Region.id).where(Region.name == REGION))
        users = {key: _account(email, role, region_id) for key, (email, role) in ACCOUNTS.items()}
        revoke_api_tokens(users["finance"])
        token = issue_api_token(users["finance"])

        in_region = (
            sa.select(Enterprise.id)
            .join(Commune, Enterprise.commune_id == Commune.id)
            .where(Commune.region_id == region_id)
        )
        region_enterprises = db.session.scalars(
            in_region.order_by(sa.func.random()).limit(300)
        ).all()
        active = sa.select(Loan.id).where(Loan.status == LoanStatus.ACTIVE)
        loans = db.session.scalars(active.order_by(sa.func.random()).limit(300)).all()
        contended = db.session.scalars(
            active.order_by(Loan.amount_xof.desc(), Loan.id).limit(CONTENDED_LOANS)
        ).all()
        targets = {
            "run": uuid.uuid4().hex[:12],
            "password": PASSWORD,
            "accounts": {key: email for key, (email, _) in ACCOUNTS.items()},
            "finance_token": token,
            "region_id": region_id,
            "region_ids": db.session.scalars(sa.select(Region.id)).all(),
            "sector_ids": db.session.scalars(sa.select(Sector.id)).all(),
            "region_enterprises": region_enterprises,
            "loans": loans,
            "contended_loans": contended,
        }
    json.dump(targets, sys.stdout)


if __name__ == "__main__":
    main()
