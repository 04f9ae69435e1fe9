"""Flask CLI commands: `flask --app portfolio users|demo ...`."""

from flask import Flask

from portfolio.cli.backup import backup
from portfolio.cli.demo import demo
from portfolio.cli.loans import loans
from portfolio.cli.users import users


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(backup)
    app.cli.add_command(demo)
    app.cli.add_command(loans)
