"""Shared fixtures: an app on a fresh data directory, its clients, and the real corpora."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from archive.web import create_app

DATA = Path(__file__).parent / "data"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


@pytest.fixture
def corpora() -> Path:
    """Return ../shared/corpora, skipping the test when this clone has none."""
    if not CORPORA.is_dir():
        pytest.skip(f"real corpora not found at {CORPORA} (only the project's own checkout has ../shared)")
    return CORPORA


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """Return an app whose data directory is empty and private to the test."""
    return create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data")})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
