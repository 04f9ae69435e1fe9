"""Each loan's repayment position today, kept on the loan row (services/loan_balances.py)

Revision ID: 253cbfdb77a4
Revises: c2de3fc1fbcf
Create Date: 2026-11-24 22:02:51.577168

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "253cbfdb77a4"
down_revision = "c2de3fc1fbcf"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("repaid_xof", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("principal_repaid_xof", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("oldest_unpaid_due_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_loan_applied", ["applied_on", "id"], unique=False)
    # The same statements as services/loan_balances.refresh_loan_balances (written out:
    # a migration must not change when the application's code does).
    op.execute(
        """
        UPDATE loan SET
          repaid_xof = COALESCE((SELECT SUM(a.fee_xof + a.interest_xof + a.principal_xof)
                                 FROM loan_allocation a WHERE a.loan_id = loan.id), 0),
          principal_repaid_xof = COALESCE((SELECT SUM(a.principal_xof)
                                           FROM loan_allocation a WHERE a.loan_id = loan.id), 0)
        """
    )
    op.execute(
        """
        UPDATE loan SET oldest_unpaid_due_on = (
          SELECT MIN(i.due_on) FROM loan_instalment i
          WHERE i.loan_id = loan.id AND i.schedule_version = loan.schedule_version
            AND i.cumulative_xof > loan.repaid_xof)
        """
    )


def downgrade():
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_index("ix_loan_applied")
        batch_op.drop_column("oldest_unpaid_due_on")
        batch_op.drop_column("principal_repaid_xof")
        batch_op.drop_column("repaid_xof")
