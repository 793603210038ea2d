"""Shared fixtures: an app on a fresh data directory, its clients, and the real corpora."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from archive import pipeline, settings
from archive.cli import cli
from archive.web import create_app
from search import indexer

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


# Web tests read archives imported once per session; each test gets its own app on them.
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "mail"
WEB = DATA / "web"


def imported(directory: Path, *imports: tuple[list[Path], str | None]) -> Path:
    """Import and index each (paths, list name) into directory in turn, as `minutebook ingest` does."""
    engine = settings.engine_for(settings.data_dir(directory))
    for paths, list_name in imports:
        pipeline.import_paths(engine, paths, list_name=list_name, workers=0,
                              index_dir=indexer.index_dir_for(directory), index_procs=1)
    engine.dispose()
    return directory


def json_rows(runner: FlaskCliRunner, *arguments: str) -> list[dict[str, Any]]:
    """Run a `minutebook ... --json` command and return the objects it printed, one a line."""
    result = runner.invoke(cli, [*arguments, "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def client_on(directory: Path, **config: Any) -> FlaskClient:
    """Return a test client of an app serving directory."""
    return create_app({"TESTING": True, "DATA_DIR": str(directory), **config}).test_client()


def real_corpus(*parts: str) -> Path:
    """Return a path in ../shared/corpora, skipping when this clone has none."""
    if not CORPORA.is_dir():
        pytest.skip(f"real corpora not found at {CORPORA} (only the project's own checkout has ../shared)")
    return CORPORA.joinpath(*parts)


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a data directory holding the examples/ sample archive (three lists, two meetings, a review)."""
    meetings = sorted((EXAMPLES.parent / "meetings").glob("*.log.txt"))
    reviews = sorted((EXAMPLES.parent / "reviews").glob("*.json"))
    return imported(tmp_path_factory.mktemp("sample"), (sorted(EXAMPLES.iterdir()) + meetings + reviews, None))


@pytest.fixture(scope="session")
def meetings_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a data directory holding the meeting logs of tests/data/meetings."""
    return imported(tmp_path_factory.mktemp("meetings"), ([DATA / "meetings"], None))


@pytest.fixture
def meetings_client(meetings_dir: Path) -> FlaskClient:
    return client_on(meetings_dir)


@pytest.fixture
def sample_client(sample_dir: Path) -> FlaskClient:
    return client_on(sample_dir)


@pytest.fixture(scope="session")
def web_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a data directory with the tests/data/web fixtures: hostile ids, twins, a cross-post, a merge."""
    return imported(
        tmp_path_factory.mktemp("web"),
        ([WEB / "hostile-ids.mbox", WEB / "twin-ids.mbox", WEB / "cross-post.mbox", WEB / "merge-before.mbox"], "web"),
        ([WEB / "cross-post.mbox"], "other"),
        ([WEB / "merge-after.mbox"], "web"),
    )


@pytest.fixture
def web_client(web_dir: Path) -> FlaskClient:
    return client_on(web_dir)


@pytest.fixture(scope="session")
def lkml_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a data directory holding notmuch's lkml corpus (7 threads, the largest of 100 messages)."""
    return imported(tmp_path_factory.mktemp("lkml"), ([real_corpus("notmuch", "lkml")], "lkml"))


@pytest.fixture(scope="session")
def hyperkitty_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a data directory holding HyperKitty's 24 awkward test messages."""
    return imported(tmp_path_factory.mktemp("hyperkitty"), ([real_corpus("hyperkitty-testdata")], "hyperkitty"))


@pytest.fixture(scope="session")
def fedora_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a data directory holding fedora-devel-list of January 2010 (292 messages)."""
    mbox = real_corpus("fedora-devel-2010-01", "2010-January.txt.gz")
    return imported(tmp_path_factory.mktemp("fedora"), ([mbox], "fedora-devel"))
