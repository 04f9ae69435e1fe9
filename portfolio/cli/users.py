from __future__ import annotations

import os

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from portfolio.domain.vocabulary import Role
from portfolio.models import Region, User, db
from portfolio.services.unit_of_work import ServiceError
from portfolio.services.users import create_user, issue_api_token

users = AppGroup("users", help="Manage user accounts and API tokens.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--region", default=None, help="Region name (required for monitors).")
def create(email: str, name: str, role: str, region: str | None) -> None:
    """Create an account; the password comes from PORTFOLIO_PASSWORD or a prompt."""
    password = os.environ.get("PORTFOLIO_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    region_id = None
    if region:
        region_id = db.session.scalar(sa.select(Region.id).where(Region.name == region))
        if region_id is None:
            raise click.ClickException(f"Unknown region: {region}")
    try:
        user = create_user(
            email=email, name=name, role=role, password=password, region_id=region_id
        )
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.email} ({user.role.value}).")


@users.command("token")
@click.argument("email")
def token(email: str) -> None:
    """Print a new personal API token for EMAIL (shown once, keep it safe)."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"No active account for {email}")
    click.echo(issue_api_token(user))
