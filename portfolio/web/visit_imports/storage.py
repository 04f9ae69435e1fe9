"""Uploaded exports kept between the preview and the commit.

Under the instance folder (never under static/, so never served), named by a
random token; a small JSON beside each says who uploaded it. Files older than
a day are removed at the next upload.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class StoredExport:
    token: str
    user_id: int
    filename: str
    export_format: str | None
    data: bytes


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "visit_imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)


def _clean_old(folder: Path) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def keep(data: bytes, *, user_id: int, filename: str, export_format: str | None) -> str:
    folder = _folder()
    _clean_old(folder)
    token = secrets.token_urlsafe(24)
    meta = {"user_id": user_id, "filename": filename[:120], "format": export_format}
    _write(folder / f"{token}.json", json.dumps(meta).encode())
    _write(folder / f"{token}.upload", data)
    return token


def load(token: str, user_id: int) -> StoredExport | None:
    """The export uploaded by this user under this token, or None."""
    if not TOKEN.match(token):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.upload").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id:
        return None
    return StoredExport(token, user_id, meta.get("filename", ""), meta.get("format"), data)


def forget(token: str) -> None:
    if TOKEN.match(token):
        folder = _folder()
        for suffix in (".json", ".upload"):
            (folder / f"{token}{suffix}").unlink(missing_ok=True)
