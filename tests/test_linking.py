"""Links stored at import and resolved when read: both directions, late arrivals, rebuilds, the CLI."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskCliRunner

from archive.cli import cli
from tests.conftest import DATA, json_rows

EXAMPLES = DATA.parent.parent / "examples"
MEETING = "lanternfish_core.2024-02-13-16.00"
REVIEW = "gerrit:review.lanternfish.example/4790"


def links(runner: FlaskCliRunner, ref: str) -> dict[str, object]:
    (row,) = json_rows(runner, "links", ref)
    return row


def ingest(runner: FlaskCliRunner, *paths: Path) -> None:
    result = runner.invoke(cli, ["ingest", *map(str, paths), "--workers", "0"])
    assert result.exit_code == 0, result.output


def test_a_message_citing_a_meeting_log_line_is_linked_both_ways(runner: FlaskCliRunner) -> None:
    ingest(runner, EXAMPLES / "mail" / "lanternfish-dev.mbox", *sorted((EXAMPLES / "meetings").glob("*.log.txt")))
    row = links(runner, MEETING)
    assert row["key"] == f"meeting:{MEETING}"
    assert row["resolved"] == {"kind": "meeting", "id": f"lanternfish_core/{MEETING}"}
    (citing,) = row["incoming"]  # type: ignore[misc]
    assert citing["source"] == {"kind": "message", "id": "Zcz9Qw1hJt6sNp3D@lanternfish.example", "line": 4}
    assert citing["url"].endswith(f"{MEETING}.log.html#l-12")
    message = links(runner, "<Zcz9Qw1hJt6sNp3D@lanternfish.example>")
    assert [(o["key"], o["resolved"]) for o in message["outgoing"]] == [  # type: ignore[index]
        (f"meeting:{MEETING}", {"kind": "meeting", "id": f"lanternfish_core/{MEETING}"}),
        ("github:lanternfish/lanternfish#82", None)]  # an issue not in the archive: an outside link


def test_a_later_import_resolves_a_reference_made_earlier(runner: FlaskCliRunner) -> None:
    ingest(runner, EXAMPLES / "mail" / "lanternfish-dev.mbox", *sorted((EXAMPLES / "meetings").glob("*.log.txt")))
    before = links(runner, REVIEW)
    assert before["resolved"] is None and len(before["incoming"]) == 2  # type: ignore[arg-type]
    ingest(runner, EXAMPLES / "reviews" / "lanternfish-4790.json")
    after = links(runner, "https://review.lanternfish.example/c/lanternfish/+/4790")
    assert after["key"] == REVIEW and after["resolved"] == {"kind": "review", "id": REVIEW}
    sources = {(i["source"]["kind"], i["source"]["line"]) for i in after["incoming"]}  # type: ignore[index]
    assert sources == {("meeting", 8), ("message", 7)}  # the meeting's #link and the April agenda
    # The change's own discussion links the 2024-02-13 meeting; its Change-Id names it too.
    assert [o["key"] for o in after["outgoing"]] == [f"meeting:{MEETING}"]  # type: ignore[index]
    by_change_id = links(runner, "I5f3c2a1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a")
    assert by_change_id["resolved"] == {"kind": "review", "id": REVIEW}


def test_rebuild_finds_the_same_links(runner: FlaskCliRunner) -> None:
    ingest(runner, EXAMPLES / "mail" / "lanternfish-dev.mbox", *sorted((EXAMPLES / "meetings").glob("*.log.txt")))
    before = links(runner, REVIEW)
    assert "found 14 references" in runner.invoke(cli, ["rebuild"]).output
    assert links(runner, REVIEW) == before


def test_search_finds_everything_that_mentions_a_key(runner: FlaskCliRunner) -> None:
    ingest(runner, EXAMPLES / "mail" / "lanternfish-dev.mbox", *sorted((EXAMPLES / "meetings").glob("*.log.txt")))
    hits = json_rows(runner, "search", f"links:{REVIEW}")
    assert {(hit["kind"], hit["title"]) for hit in hits} == {
        ("meeting", "lanternfish_core"), ("message", "Agenda: lanternfish_core meeting, Tuesday 9 April, 16:00 UTC")}
