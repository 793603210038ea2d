"""Items derived at import: found once, kept in step with re-imports and rebuilds, and tracked."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from archive.cli import cli
from archive.items import message_items
from tests.conftest import DATA, json_rows

PROSE = str(DATA / "minutes-prose" / "minutes.mbox")
FOLLOWUP = str(DATA / "items" / "followup.mbox")


def actions(runner: FlaskCliRunner, *options: str) -> list[dict[str, object]]:
    return json_rows(runner, "actions", *options)


def test_ingest_of_minutes_says_how_many_actions_and_decisions_it_found(runner: FlaskCliRunner) -> None:
    result = runner.invoke(cli, ["ingest", PROSE, "--list", "storage-dev", "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "action items 45, decisions 24" in result.output
    again = runner.invoke(cli, ["ingest", PROSE, "--list", "storage-dev", "--workers", "0"])
    assert "action items 0, decisions 0" in again.output  # nothing new in it
    assert len(actions(runner)) == 45  # and nothing doubled


def test_a_later_message_closes_actions_as_done_or_dropped(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", PROSE, "--list", "storage-dev", "--workers", "0"])
    runner.invoke(cli, ["ingest", FOLLOWUP, "--list", "storage-dev", "--workers", "0"])
    done = actions(runner, "--status", "done")
    assert [(a["text"], a["owners"], a["due"]) for a in done] == [
        ("draft the new release policy and post it to the list", ["Jane Okafor"], "2024-03-15")]
    assert done[0]["closed_by"] == {"kind": "message", "id": "followup-1@example.org", "line": 5}
    dropped = actions(runner, "--status", "dropped")
    assert [(a["text"], a["owners"]) for a in dropped] == [("pair on the v4 migration tool", ["Ravi Menon", "Tomasz Kowalski"])]
    assert len(actions(runner, "--status", "open")) == 43


def test_owner_is_a_person_under_any_of_their_names(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", PROSE, "--list", "storage-dev", "--workers", "0"])
    by_name = actions(runner, "--owner", "Mei Lin")
    by_key = actions(runner, "--owner", "mei-lin")  # her person key (/people/mei-lin/): she posted to the list
    assert by_name and [a["id"] for a in by_name] == [a["id"] for a in by_key]
    assert all("Mei Lin" in a["owners"] for a in by_key)  # type: ignore[operator]


def test_rebuild_derives_the_same_items_again(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", PROSE, "--list", "storage-dev", "--workers", "0"])
    before = actions(runner)
    result = runner.invoke(cli, ["rebuild"])
    assert "found 45 action items and 24 decisions" in result.output
    assert actions(runner) == before


def test_decisions_json_names_source_and_rule(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", PROSE, "--list", "storage-dev", "--workers", "0"])
    rows = [json.loads(line) for line in runner.invoke(cli, ["decisions", "--json"]).output.splitlines()]
    budget = next(row for row in rows if "2024 budget" in row["text"])
    assert set(budget) == {"id", "text", "date", "source", "rule"}
    assert budget["source"]["kind"] == "message" and budget["rule"].startswith("prose:")


def test_a_marked_line_inside_minutes_is_found_once() -> None:
    body = "Attendees: Jane Okafor, Ravi Menon\n\nAction items:\nACTION: Jane to send the draft\n- Ravi: book the room\n"
    found = message_items("m", "Meeting minutes", None, body)
    # The minutes' reading of the marked line wins: it knows Jane's full name.
    assert [(i.text, i.owners, i.rule) for i in found] == [
        ("send the draft", ("Jane Okafor",), "action list: NAME to task"),
        ("book the room", ("Ravi Menon",), "action list: NAME: task")]


def test_a_person_marks_an_action_dropped_and_reassigns_another(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", PROSE, "--list", "storage-dev", "--workers", "0"])
    chair = next(a for a in actions(runner) if a["text"] == "chair the next community call")
    result = runner.invoke(cli, ["mark", str(chair["id"]), "dropped", "--by", "Jane Okafor", "--note", "call cancelled"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("dropped: chair the next community call")
    dropped = actions(runner, "--status", "dropped")
    assert [(a["text"], a["marked"]["by"], a["marked"]["note"]) for a in dropped] == [  # type: ignore[index]
        ("chair the next community call", "Jane Okafor", "call cancelled")]
    review = next(a for a in actions(runner) if a["owners"] == ["Lars Nilsson"])
    runner.invoke(cli, ["mark", str(review["id"]), "open", "--by", "Jane Okafor", "--owner", "Ana Souza"])
    assert review["id"] in [a["id"] for a in actions(runner, "--owner", "Ana Souza")]
    # A mark is people's word, not derived from text: a rebuild keeps it, and search follows it.
    runner.invoke(cli, ["rebuild"])
    assert [a["text"] for a in actions(runner, "--status", "dropped")] == ["chair the next community call"]
    hits = json_rows(runner, "search", "is:dropped", "community", "call")
    assert [hit["title"] for hit in hits] == ["chair the next community call"]


def test_marking_an_unknown_item_is_a_clear_error(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", PROSE, "--list", "storage-dev", "--workers", "0"])
    result = runner.invoke(cli, ["mark", "nothing#1", "done", "--by", "me"])
    assert result.exit_code != 0 and "no action item 'nothing#1'" in str(result.exception)
