"""`flask --app portfolio flags …`: Struggling-enterprise flags."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portfolio.domain.monitoring.vocabulary import RiskLevel

flags = AppGroup("flags", help="Struggling-enterprise flags.")


@flags.command("recompute")
@click.option("--chunk-size", type=click.IntRange(100, 100_000), default=5_000, show_default=True)
def recompute(chunk_size: int) -> None:
    """Recompute every enterprise's flags and level from the current rules."""
    from portfolio.services.flags import recompute_all

    with click.progressbar(length=1, label="Recomputing flags", show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        summary = recompute_all(progress, chunk_size=chunk_size)
    click.echo(
        f"{summary.enterprises} enterprises in {summary.seconds:.1f} s: "
        f"{summary.raised} flags raised, {summary.cleared} cleared, {summary.kept} kept."
    )
    for level in RiskLevel:
        click.echo(f"  {level.value:<9} {summary.levels.get(level, 0)}")
