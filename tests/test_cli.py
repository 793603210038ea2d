"""The `minutebook` command, run through Flask's CLI runner as a user would type it."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from archive.cli import cli
from tests.conftest import DATA

MBOX = str(DATA / "pipeline" / "two-threads.mbox")


def test_ingest_prints_one_summary_line(runner: FlaskCliRunner) -> None:
    result = runner.invoke(cli, ["ingest", MBOX, "--list", "dev", "--workers", "0"])
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("imported 4, duplicates 0, quarantined 0, threads touched 2, ")
    assert line.endswith("messages/s")


def test_lists_json_and_text(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", MBOX, "--list", "dev", "--workers", "0"])
    rows = [json.loads(line) for line in runner.invoke(cli, ["lists", "--json"]).output.splitlines()]
    assert rows == [
        {"name": "dev", "messages": 4, "threads": 2,
         "first": "2024-03-04T08:00:00+00:00", "last": "2024-03-06T10:00:00+00:00"}
    ]
    assert runner.invoke(cli, ["lists"]).output.startswith("dev\t4 messages\t2 threads\t")


def test_threads_json_filters_by_list(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", MBOX, "--list", "dev", "--workers", "0"])
    rows = [json.loads(line) for line in runner.invoke(cli, ["threads", "--json"]).output.splitlines()]
    assert [len(r["messages"]) for r in rows] == [3, 1]
    assert set(rows[0]) == {"thread_id", "list", "subject", "messages"}
    assert set(rows[0]["messages"][0]) == {"message_id", "parent_id", "subject", "from", "date"}
    assert runner.invoke(cli, ["threads", "--list", "other", "--json"]).output == ""


def test_rebuild_keeps_the_same_threads(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", MBOX, "--workers", "0"])
    before = runner.invoke(cli, ["threads", "--json"]).output
    result = runner.invoke(cli, ["rebuild"])
    assert result.output.strip() == "rebuilt 2 threads"
    assert runner.invoke(cli, ["threads", "--json"]).output == before


def test_quarantine_lists_source_offset_and_reason(runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mbox"
    broken.write_bytes(b"not a mailbox at all\n\n" + (DATA / "pipeline" / "late-parent.mbox").read_bytes())
    result = runner.invoke(cli, ["ingest", str(broken), "--format", "mbox", "--workers", "0"])
    assert "imported 1, duplicates 0, quarantined 1" in result.output
    listing = runner.invoke(cli, ["quarantine"]).output
    assert f"{broken}@0" in listing


def test_unknown_path_is_a_clear_error(runner: FlaskCliRunner) -> None:
    result = runner.invoke(cli, ["ingest", "/no/such/file.mbox"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_truncated_gzip_imports_what_it_can_and_says_so(runner: FlaskCliRunner, tmp_path: Path) -> None:
    import gzip

    data = gzip.compress((DATA / "pipeline" / "two-threads.mbox").read_bytes())
    cut = tmp_path / "cut.mbox.gz"
    cut.write_bytes(data[: len(data) - 40])
    result = runner.invoke(cli, ["ingest", str(cut), "--workers", "0"])
    assert result.exit_code == 0
    assert "truncated gzip" in result.output
    imported = int(result.output.split("imported ")[1].split(",")[0])
    assert 1 <= imported <= 4
