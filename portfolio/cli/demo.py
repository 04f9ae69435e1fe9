from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from portfolio.services import demo as demo_service
from portfolio.services.demo_bulk import PhaseClock

demo = AppGroup("demo", help="Demo and benchmark data.")


@demo.command("seed")
@click.option("--enterprises", default=300, show_default=True, type=click.IntRange(0, 2_000_000))
@click.option("--seed", default=2026, show_default=True, help="Random seed (same seed, same data).")
@click.option(
    "--support/--no-support",
    default=True,
    show_default=True,
    help="Also budgets, grants, allowances, kits, loans, visits and flags for them.",
)
def seed(enterprises: int, seed: int, support: bool) -> None:
    """Add reference data and N synthetic enterprises with their returnees."""
    clock = PhaseClock()
    first_id = demo_service.next_enterprise_id()
    with (
        click.progressbar(length=enterprises, label="Entreprises") as bar,
        clock.phase("enterprises"),
    ):
        people = demo_service.seed_portfolio(enterprises, seed=seed, progress=bar.update)
    click.echo(
        f"{enterprises} enterprises and {people} beneficiaries added "
        f"in {clock.seconds['enterprises']:.1f} s."
    )
    if support and enterprises:
        started = time.perf_counter()
        made = demo_service.seed_support(first_id, seed=seed, clock=clock)
        click.echo(
            ", ".join(f"{count} {name}" for name, count in made.items())
            + f" added in {time.perf_counter() - started:.1f} s."
        )
    # Where the time went, for benchmarks (benchmarks/seed_100k.sh).
    click.echo(
        "Phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in clock.seconds.items())
    )


@demo.command("bootstrap")
@click.option("--enterprises", default=300, show_default=True, type=click.IntRange(0, 100_000))
def bootstrap(enterprises: int) -> None:
    """First start: reference data, demo portfolio if empty, and one demo user per role."""
    demo_service.seed_reference_data()
    demo_service.seed_lenders()
    # Accounts first: the demo's money movements say who recorded them.
    created = demo_service.create_demo_users()
    if demo_service.is_empty():
        first_id = demo_service.next_enterprise_id()
        demo_service.seed_portfolio(enterprises)
        demo_service.seed_support(first_id)
        click.echo(f"Demo portfolio created: {enterprises} enterprises.")
    if created:
        click.echo("\nDemo accounts (passwords are shown this once):")
        for email, password, role in created:
            click.echo(f"  {role.value:<8} {email:<32} {password}")
        click.echo("")
