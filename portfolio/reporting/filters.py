from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListFilter:
    """What a person narrowed a list to. None means "all"."""

    q: str | None = None
    programme_id: int | None = None
    region_id: int | None = None
    commune_id: int | None = None
    sector_id: int | None = None
    sex: str | None = None
    status: str | None = None
    return_kind: str | None = None
    #: Enterprise risk level (enterprise_risk; no row counts as "ok").
    risk: str | None = None
    #: Set by the access layer for field monitors, never by the person.
    scope_region_id: int | None = None


LIKE_ESCAPE = "\\"


def search_term(q: str | None) -> str | None:
    """A LIKE pattern for "contains q"; % and _ typed by a person are literal."""
    q = (q or "").strip().lower()
    if not q:
        return None
    for special in (LIKE_ESCAPE, "%", "_"):
        q = q.replace(special, LIKE_ESCAPE + special)
    return f"%{q}%"
