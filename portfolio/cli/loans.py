"""`flask --app portfolio loans simulate`: the simulator's engine on the command line."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from portfolio.domain.loans import (
    Frequency,
    InvalidLoanTerms,
    LenderType,
    LoanTerms,
    RepaymentMethod,
    simulate,
    simulation_as_dict,
)
from portfolio.domain.money import format_xof
from portfolio.domain.permissions import Permission, can
from portfolio.models import User, db
from portfolio.reporting.lending import usury_ceilings
from portfolio.services.repayment_import import ImportRefused, import_repayments

loans = AppGroup("loans", help="Loan modelling.")


class PercentType(click.ParamType):
    name = "percent"

    def convert(self, value, param, ctx):
        try:
            number = Decimal(str(value).replace(",", ".").removesuffix("%").strip())
        except InvalidOperation:
            self.fail(f"{value!r} is not a percentage", param, ctx)
        if not number.is_finite():
            self.fail(f"{value!r} is not a percentage", param, ctx)
        return number


PERCENT = PercentType()


@loans.command("simulate")
@click.option("--amount", type=click.IntRange(1), required=True, help="Amount lent, FCFA.")
@click.option("--annual-rate", type=PERCENT, required=True, help="Nominal rate, % per year.")
@click.option("--term", type=click.IntRange(1, 520), required=True, help="Number of instalments.")
@click.option(
    "--method",
    type=click.Choice([m.value for m in RepaymentMethod] + ["declining"]),
    default="declining",
    show_default=True,
)
@click.option(
    "--frequency",
    type=click.Choice([f.value for f in Frequency]),
    default="monthly",
    show_default=True,
)
@click.option("--grace-principal", type=click.IntRange(0), default=0)
@click.option("--grace-interest", type=click.Choice(["none", "deferred", "waived"]), default="none")
@click.option("--fee-percent", type=PERCENT, default=Decimal(0))
@click.option("--fee", "fee_xof", type=click.IntRange(0), default=0, help="Fixed fee, FCFA.")
@click.option("--savings-percent", type=PERCENT, default=Decimal(0))
@click.option(
    "--savings-rate", type=PERCENT, default=Decimal(0), help="Interest on the savings, % per year."
)
@click.option("--multiple", type=click.IntRange(1), default=1, help="Rounding multiple, FCFA.")
@click.option(
    "--disbursed",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Disbursement (contract) date; default today.",
)
@click.option("--first-due", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option(
    "--lender-type",
    type=click.Choice([t.value for t in LenderType]),
    default="sfd",
    show_default=True,
)
@click.option(
    "--income",
    type=click.IntRange(),
    default=None,
    help="Net monthly income of the business, FCFA (affordability).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def simulate_command(
    amount,
    annual_rate,
    term,
    method,
    frequency,
    grace_principal,
    grace_interest,
    fee_percent,
    fee_xof,
    savings_percent,
    savings_rate,
    multiple,
    disbursed,
    first_due,
    lender_type,
    income,
    as_json,
):
    """Schedule, true cost (APR/EIR), usury verdict and affordability of one loan."""
    hundred = Decimal(100)
    try:
        terms = LoanTerms(
            amount_xof=amount,
            annual_rate=annual_rate / hundred,
            instalments=term,
            method=RepaymentMethod.DECLINING_EQUAL_INSTALMENTS if method == "declining" else method,
            frequency=frequency,
            grace_principal_periods=grace_principal,
            grace_interest=grace_interest,
            upfront_fee_rate=fee_percent / hundred,
            upfront_fee_xof=fee_xof,
            savings_upfront_rate=savings_percent / hundred,
            savings_annual_rate=savings_rate / hundred,
            rounding_multiple=multiple,
            disbursed_on=disbursed.date() if disbursed else date.today(),
            first_due_on=first_due.date() if first_due else None,
        )
    except InvalidLoanTerms as error:
        raise click.UsageError(f"Invalid loan terms: {error}") from None
    result = simulation_as_dict(simulate(terms, lender_type, usury_ceilings(), income))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{'n':>3}  {'due_on':10}  {'principal':>12} {'interest':>10} {'total':>12} {'balance':>12}"
    )
    for row in result["schedule"]:
        click.echo(
            f"{row['n']:>3}  {row['due_on']:10}  {row['principal']:>12,} "
            f"{row['interest']:>10,} {row['total']:>12,} {row['balance']:>12,}"
        )
    usury = result["usury"]
    click.echo(
        f"\nNet disbursed: {format_xof(result['net_disbursed'], 'en')}; "
        f"total cost: {format_xof(result['total_cost'], 'en')}"
    )
    click.echo(
        f"APR (TEG): {result['apr']} %; EIR: {result['eir']} %; usury ceiling: "
        f"{usury['ceiling']} % -> {'EXCEEDED' if usury['exceeds'] else 'respected'}"
    )


@loans.command("import-repayments")
@click.argument("statement", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by", "by_email", required=True, help="Email of the finance officer recording the statement."
)
def import_repayments_command(statement: Path, by_email: str) -> None:
    """Record a bank or mobile-money statement (CSV): every row, or none.

    Columns: loan_id, paid_on (2026-11-24 or 24/11/2026), amount_xof,
    channel (cash, mobile_money, bank_transfer), reference; `;` or `,`.
    """
    user = db.session.scalar(sa.select(User).where(User.email == by_email.strip().lower()))
    if user is None or not user.active or not can(user.role, Permission.RECORD_LEDGER):
        raise click.ClickException(f"{by_email} cannot record repayments.")
    try:
        content = statement.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        content = statement.read_text(encoding="latin-1")  # Excel's older exports
    try:
        report = import_repayments(content, user.id)
    except ImportRefused as refused:
        for row, message in refused.report.errors:
            click.echo(f"row {row}: {message}", err=True)
        raise click.ClickException(
            f"nothing recorded: {len(refused.report.errors)} row(s) to correct"
        ) from None
    click.echo(
        f"{report.recorded} repayment(s) recorded, "
        f"{report.already_recorded} already recorded before."
    )
