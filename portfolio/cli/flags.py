"""`flask --app portfolio flags …`: Struggling-enterprise flags."""

from flask.cli import AppGroup

flags = AppGroup("flags", help="Struggling-enterprise flags.")
