"""The `minutebook` command, run through Flask's CLI runner as a user would type it."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from archive import pipeline, settings
from archive.cli import cli
from search import indexer
from search.query import search
from tests.conftest import DATA, json_rows

MBOX = str(DATA / "pipeline" / "two-threads.mbox")
LATE = str(DATA / "pipeline" / "late-parent.mbox")


def search_rows(runner: FlaskCliRunner, *query: str) -> list[dict[str, object]]:
    """Run `minutebook search --json` and return its rows."""
    return json_rows(runner, "search", *query)


def test_ingest_prints_one_summary_line(runner: FlaskCliRunner) -> None:
    result = runner.invoke(cli, ["ingest", MBOX, "--list", "dev", "--workers", "0"])
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("imported 4, duplicates 0, quarantined 0, threads touched 2, indexed 4, ")
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
    assert result.output.splitlines() == ["rebuilt 2 threads", "replayed 0 meetings",
                                          "found 0 action items and 0 decisions", "found 0 references",
                                          "indexed 4 messages"]
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


def test_ingest_indexes_what_it_imports_and_search_prints_json(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", MBOX, "--list", "dev", "--workers", "0"])
    rows = search_rows(runner, "release", "plan")
    assert len(rows) == 1  # one thread of three matching messages
    assert set(rows[0]) == {"kind", "id", "thread_id", "list", "title", "date", "score", "snippet"}
    assert rows[0]["kind"] == "message" and rows[0]["list"] == "dev"
    assert rows[0]["id"] in {"plan-1@example.org", "plan-2@example.org", "plan-3@example.org"}
    assert [row["id"] for row in search_rows(runner, "f:dave")] == ["ci-2@example.org"]


def test_search_sorts_by_date_and_limits(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", MBOX, "--list", "dev", "--workers", "0"])
    rows = search_rows(runner, "d:2024", "--sort", "-date")
    dates = [str(row["date"]) for row in rows]
    assert len(rows) == 2 and dates == sorted(dates, reverse=True)
    assert len(search_rows(runner, "d:2024", "--limit", "1")) == 1


def test_a_late_parent_moves_indexed_messages_into_the_merged_thread(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", MBOX, "--list", "dev", "--workers", "0"])
    runner.invoke(cli, ["ingest", LATE, "--list", "dev", "--workers", "0"])
    threads = {row["subject"]: row["thread_id"] for row in map(json.loads, runner.invoke(cli, ["threads", "--json"]).output.splitlines())}
    rows = search_rows(runner, "s:CI")
    assert [row["thread_id"] for row in rows] == [threads["Old CI question"]]


def test_check_finds_what_the_index_lacks_and_reindex_repairs_it(runner: FlaskCliRunner, app: Flask) -> None:
    runner.invoke(cli, ["ingest", MBOX, "--workers", "0"])
    assert runner.invoke(cli, ["check"]).exit_code == 0
    index_dir = indexer.index_dir_for(Path(app.config["DATA_DIR"]))
    dave = search(index_dir, "f:dave").hits[0].key
    indexer.delete_documents(index_dir, [dave])
    broken = runner.invoke(cli, ["check"])
    assert broken.exit_code == 1
    assert f"missing\t{dave}" in broken.output
    assert runner.invoke(cli, ["reindex"]).output == "indexed 4 messages\n"
    assert runner.invoke(cli, ["check"]).exit_code == 0


def test_the_next_import_indexes_what_an_interrupted_one_stored(runner: FlaskCliRunner, app: Flask) -> None:
    runner.invoke(cli, ["ingest", LATE, "--workers", "0"])
    # As if an import was killed after storing its messages and before indexing them.
    data = Path(app.config["DATA_DIR"])
    pipeline.import_paths(settings.engine_for(data), [Path(MBOX)], workers=0)
    assert search_rows(runner, "release") == []
    result = runner.invoke(cli, ["ingest", LATE, "--workers", "0"])
    assert "imported 0, duplicates 1" in result.output
    assert len(search_rows(runner, "release")) == 1
    assert runner.invoke(cli, ["check"]).exit_code == 0


def test_search_without_an_index_says_how_to_build_one(runner: FlaskCliRunner) -> None:
    result = runner.invoke(cli, ["search", "anything"])
    assert result.exit_code != 0
    assert "minutebook reindex" in str(result.exception)


def test_meetings_json_prints_the_minutes_of_each_meeting(runner: FlaskCliRunner) -> None:
    result = runner.invoke(cli, ["ingest", str(DATA / "meetings" / "lanternfish_core.2024-02-13-23.30.log.txt")])
    assert ", meetings 1, " in result.output
    rows = [json.loads(line) for line in runner.invoke(cli, ["meetings", "--json"]).output.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"id", "series", "title", "start", "end", "chairs", "people", "items", "actions_by_person",
                        "unassigned"}
    assert (row["series"], row["start"], row["chairs"]) == ("lanternfish_core", "2024-02-13T23:30:02+00:00", ["alice", "kenji"])
    assert row["items"][0] == {"type": "TOPIC", "text": "Release cadence", "nick": "alice", "time": "23:30:30",
                               "topic": "Release cadence", "line": 8}
    assert row["actions_by_person"]["dmitri"] == ["dmitri to check Python 3.8 support"]
    assert runner.invoke(cli, ["meetings", "--series", "other", "--json"]).output == ""


def test_actions_and_decisions_json_from_meetings_and_messages(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", *map(str, sorted((DATA.parent.parent / "examples" / "meetings").glob("*.log.txt")))])
    runner.invoke(cli, ["ingest", str(DATA.parent.parent / "examples" / "mail" / "lanternfish-dev.mbox"), "--workers", "0"])
    actions = [json.loads(line) for line in runner.invoke(cli, ["actions", "--json"]).output.splitlines()]
    assert set(actions[0]) == {"id", "text", "owners", "status", "date", "due", "source", "rule", "repeated", "closed_by",
                               "marked"}
    checklist = actions[0]
    assert (checklist["text"], checklist["owners"], checklist["status"]) == (
        "priya to draft the release checklist", ["priya"], "done")
    assert checklist["repeated"][0]["kind"] == "message"  # restated in the Feb 14 summary mail
    assert checklist["closed_by"] == {"kind": "meeting", "id": "lanternfish_core/lanternfish_core.2024-03-26-16.00", "line": 11}
    assert [a["text"] for a in actions if a["status"] == "done"] == [checklist["text"]]
    done = runner.invoke(cli, ["actions", "--status", "done", "--json"]).output.splitlines()
    assert [json.loads(line)["text"] for line in done] == ["priya to draft the release checklist"]
    mine = runner.invoke(cli, ["actions", "--owner", "alice", "--json"]).output.splitlines()
    assert [json.loads(line)["text"] for line in mine] == ["Alice to merge GOVERNANCE.md and announce it on lanternfish-announce"]
    decisions = [json.loads(line) for line in runner.invoke(cli, ["decisions", "--json"]).output.splitlines()]
    assert "we drop Python 3.8 support in 0.9" in [d["text"] for d in decisions]
    assert {d["rule"] for d in decisions} == {"meeting #agreed", "marker Decision:", "vote tally"}


def test_users_are_added_listed_and_given_new_passwords(runner: FlaskCliRunner) -> None:
    added = runner.invoke(cli, ["user", "add", "priya", "--role", "chair", "--series", "lanternfish_core",
                                "--password", "chair password"])
    assert added.exit_code == 0 and added.output.strip() == "added priya (chair)"
    assert runner.invoke(cli, ["user", "list"]).output == "priya\tchair\n"
    assert runner.invoke(cli, ["user", "passwd", "priya", "--password", "new chair password"]).exit_code == 0
    refused = runner.invoke(cli, ["user", "add", "kenji", "--role", "member", "--password", "short"])
    assert refused.exit_code != 0 and "at least 10 characters" in str(refused.exception)


def test_remove_takes_a_message_out_of_the_archive(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", MBOX, "--workers", "0"])
    first = search_rows(runner, "*")[0]["id"]
    result = runner.invoke(cli, ["remove", f"<{first}>", "--by", "root", "--note", "a leaked secret"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"removed 1 stored copy of <{first}>"
    assert first not in {row["id"] for row in search_rows(runner, "*")}
