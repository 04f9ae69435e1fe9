"""Flask CLI commands: `flask --app portfolio users|demo ...`."""

from flask import Flask

from portfolio.cli.backup import backup
from portfolio.cli.demo import demo
from portfolio.cli.flags import flags
from portfolio.cli.loans import loans
from portfolio.cli.reports import reports
from portfolio.cli.users import users
from portfolio.cli.visits import visits


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(backup)
    app.cli.add_command(demo)
    app.cli.add_command(loans)
    app.cli.add_command(visits)
    app.cli.add_command(flags)
    app.cli.add_command(reports)
