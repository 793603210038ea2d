"""Where Minutebook keeps its data, and how to reach the database (no Flask here)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import Engine

from archive import store

# The checkout (or installed tree) root: templates/, static/ and the default instance/ live here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir(configured: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: the given one, $MINUTEBOOK_DATA, or instance/ in the checkout."""
    chosen = configured or os.environ.get("MINUTEBOOK_DATA") or PROJECT_ROOT / "instance"
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """Return the key that signs session cookies: made once per data directory, readable by its owner only."""
    path = directory / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def database_url(directory: Path, configured: str | None = None) -> str:
    """Return the database URL: the configured one, $MINUTEBOOK_DATABASE_URL, or SQLite in directory."""
    return configured or os.environ.get("MINUTEBOOK_DATABASE_URL") or f"sqlite:///{directory / 'minutebook.sqlite3'}"


def engine_for(directory: Path, url: str | None = None) -> Engine:
    """Open (creating if needed) the store for a data directory."""
    return store.open_engine(database_url(directory, url))
