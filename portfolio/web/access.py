"""The one permission helper. Every view declares what it needs; others are refused.

`requires(Permission.X)` both records the need on the view (so the
fail-closed check and the route-walking test can read it) and enforces it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from portfolio.domain.permissions import Permission, can, is_region_scoped

PUBLIC_ENDPOINTS = {"static"}


def requires(permission: Permission) -> Callable:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.blueprint == "api":
                    abort(401)
                return current_app.login_manager.unauthorized()
            if not can(current_user.role, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_permission = permission  # type: ignore[attr-defined]
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view that anyone may open (login page, language switch)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def refuse_undeclared_views() -> None:
    """before_request hook: a view with neither `requires` nor `public` is refused."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return  # 404 / 405 follow their normal path
    view = current_app.view_functions[request.endpoint]
    if getattr(view, "is_public", False) or hasattr(view, "required_permission"):
        return
    abort(403)


def region_scope() -> int | None:
    """The region the current user is limited to, or None for the whole portfolio."""
    if current_user.is_authenticated and is_region_scoped(current_user.role):
        # A monitor with no region set sees nothing rather than everything.
        return current_user.region_id or -1
    return None


def user_can(permission: Permission) -> bool:
    return current_user.is_authenticated and can(current_user.role, permission)


def user_can_named(permission: str) -> bool:
    """Template helper: `can('beneficiaries.edit')` hides what a user may not do."""
    return user_can(Permission(permission))
