from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy.orm as so

from portfolio.models import db


class ServiceError(Exception):
    """A request the business rules refuse. `field` names the input at fault, if any.

    The message is already translated (services run inside a request or a
    CLI command with a locale), so the web and API layers show it as is.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@contextmanager
def unit_of_work() -> Iterator[so.Session]:
    """Commit if the block finishes, roll back everything if it raises."""
    session = db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
