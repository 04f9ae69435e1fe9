"""`flask --app portfolio backup create|restore`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from portfolio.services.backup import BackupError, create_backup, restore_backup

backup = AppGroup("backup", help="Back up and restore the database.")


@backup.command("create")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: instance/backups/portfolio-<timestamp>.backup).",
)
def create(out: Path | None) -> None:
    """Copy the whole database to a file, while the app keeps running."""
    from flask import current_app

    out = out or Path(current_app.instance_path) / "backups" / (
        f"portfolio-{datetime.now():%Y%m%d-%H%M%S}.backup"
    )
    try:
        written = create_backup(out)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {written}")


@backup.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(source: Path, yes: bool) -> None:
    """Replace the database's content with a backup (everything since is lost)."""
    if not yes:
        click.confirm(f"Replace the whole database with {source}?", abort=True)
    try:
        restore_backup(source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Database restored from {source}")
