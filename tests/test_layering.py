"""The dependency rules of STYLE.md rule 1, checked on the source tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    """Return the dotted names, and their top-level packages, of every module path imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names | {name.split(".")[0] for name in names}


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", sources("archive", "ingest", "search"), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_web_layer_and_cli_import_flask(path: Path) -> None:
    allowed = path.is_relative_to(ROOT / "archive" / "web") or path == ROOT / "archive" / "cli.py"
    assert allowed or "flask" not in imported_modules(path)


@pytest.mark.parametrize("path", sources("archive", "ingest"), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_search_imports_whoosh(path: Path) -> None:
    assert "whoosh" not in imported_modules(path)


@pytest.mark.parametrize("path", sources("ingest", "search"), ids=lambda p: str(p.relative_to(ROOT)))
def test_parsers_and_search_touch_no_database(path: Path) -> None:
    assert not imported_modules(path) & {"sqlalchemy", "sqlite3", "archive.store"}


def test_models_and_errors_import_nothing_of_ours() -> None:
    for name in ("models.py", "errors.py"):
        assert not imported_modules(ROOT / "archive" / name) & {"archive", "ingest", "search"}
