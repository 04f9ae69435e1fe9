from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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


#: Set while an all_or_nothing() block runs: units of work inside it only
#: take a savepoint, and the block commits (or rolls back) them all at once.
_inside_batch: ContextVar[bool] = ContextVar("inside_batch", default=False)


@contextmanager
def unit_of_work() -> Iterator[so.Session]:
    """Commit if the block finishes, roll back everything if it raises."""
    session = db.session
    if _inside_batch.get():
        # A refused step undoes only itself; the batch decides about the rest.
        with session.begin_nested():
            yield session
        return
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def all_or_nothing() -> Iterator[so.Session]:
    """Several units of work as one: all committed together, or none at all.

    For imports and other multi-row operations: a failure in the middle
    (or `raise` from the block once errors were collected) leaves the
    database exactly as it was.
    """
    session = db.session
    token = _inside_batch.set(True)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _inside_batch.reset(token)
