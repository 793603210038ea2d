"""Action items and decisions found by explicit rules in messages and meetings."""

from __future__ import annotations

from datetime import datetime, timezone

from archive.actions import meeting_items, message_items, owners_named
from ingest.meetbot import parse_meetbot_log
from tests.conftest import DATA

WHEN = datetime(2024, 2, 14, tzinfo=timezone.utc)
BODY = """Hi all,

Decision: feature releases every 10 weeks
RESOLVED: the checklist lives in RELEASING.md
ACTION: Priya to draft the release checklist
AI: Zoë and Dmitri will bisect the flaky test
ACTION: we should look at CI again
TODO(kenji): set up branch protection
> ACTION: Bob to do something quoted from an earlier mail
We took no decision on the logo (no marker, so nothing is found here).
-- 
ACTION: a signature line is not an item
"""


def test_marked_lines_of_a_message_become_items_with_rule_and_line() -> None:
    found = message_items(BODY, message_id="m@example.org", date=WHEN)
    assert [(i.kind, i.text, i.owners, i.line, i.rule) for i in found] == [
        ("decision", "feature releases every 10 weeks", (), 3, "marker Decision:"),
        ("decision", "the checklist lives in RELEASING.md", (), 4, "marker RESOLVED:"),
        ("action", "Priya to draft the release checklist", ("Priya",), 5, "marker ACTION:"),
        ("action", "Zoë and Dmitri will bisect the flaky test", ("Zoë", "Dmitri"), 6, "marker ACTION:"),
        ("action", "we should look at CI again", (), 7, "marker ACTION:"),
        ("action", "set up branch protection", ("kenji",), 8, "marker TODO(name):"),
    ]
    assert all(i.source_kind == "message" and i.source_id == "m@example.org" and i.date == WHEN for i in found)


def test_owners_are_the_names_before_the_verb() -> None:
    assert owners_named("Alice, Bob and Carol to write the FAQ") == ("Alice", "Bob", "Carol")
    assert owners_named("Someone should look at this") == ()
    assert owners_named("Write the FAQ") == ()


def test_a_meeting_gives_its_actions_with_owners_and_its_decisions() -> None:
    log = DATA / "meetings" / "lanternfish_core.2024-02-13-23.30.log.txt"
    found = meeting_items(parse_meetbot_log(log.read_text(), log.name))
    actions = [(i.text, i.owners, i.line) for i in found if i.kind == "action"]
    assert actions[0] == ("priya and kenji draft the release checklist", ("kenji", "priya"), 15)
    decisions = [(i.text, i.rule) for i in found if i.kind == "decision"]
    assert decisions == [("Releases every 12 weeks from 0.10", "meeting #agreed")]
    assert found[0].source_id == "lanternfish_core/lanternfish_core.2024-02-13-23.30"


def test_tracking_carries_over_repeats_and_closes_on_done() -> None:
    from archive.actions import track_actions
    from archive.models import ExtractedItem

    def item(kind: str, text: str, source: str, day: int) -> ExtractedItem:
        return ExtractedItem(kind, text, (), datetime(2024, 3, day, tzinfo=timezone.utc), "meeting", source, 1, "rule")

    tracked = track_actions([
        item("action", "priya to draft the release checklist", "s/m1", 1),
        item("action", "kenji to set up branch protection", "s/m1", 1),
        item("action", "Priya to draft the release checklist", "s/m2", 8),
        item("action", "kenji to set up branch protections", "s/m2", 8),
        item("done", "priya drafted the release checklist", "s/m3", 15),
        item("done", "something nobody was asked to do", "s/m3", 15),
        item("action", "kenji to set up branch protection", "s/m1", 1),  # the same meeting again: a second item
    ])
    assert [(t.item.text, t.status, len(t.repeats)) for t in tracked] == [
        ("priya to draft the release checklist", "done", 1),
        ("kenji to set up branch protection", "open", 1),
        ("kenji to set up branch protection", "open", 0)]
    assert tracked[0].closed_by is not None and tracked[0].closed_by.source_id == "s/m3"


def test_a_call_for_votes_is_tallied_one_vote_per_sender() -> None:
    from archive.actions import is_call_for_votes, tally_votes

    assert is_call_for_votes("[VOTE] adopt GOVERNANCE.md") and not is_call_for_votes("[RESULT] [VOTE] adopt it")
    messages = [
        ("alice@example.org", "Please reply with +1, 0 or -1.\n0) hi\n1. a numbered list\nMy own vote: +1 (binding).", WHEN),
        ("kenji@example.org", "+1 (binding)\n\nThanks!", WHEN),
        ("dmitri@example.org", "-1, too early\n> +1 (binding)", WHEN),
        ("zoe@example.org", "0\n", WHEN),
        ("kenji@example.org", "> -1\nStill +1 from me... actually\n+1", WHEN),
        ("bob@example.org", "-- \n+1 in a signature does not count", WHEN),
    ]
    tally = tally_votes("[VOTE] adopt GOVERNANCE.md", "root@example.org", messages)
    assert tally.text == "Vote on [VOTE] adopt GOVERNANCE.md: 2 for (+1), 1 against (-1), 1 abstaining (0)"
    assert (tally.kind, tally.rule, tally.source_id, tally.line) == ("decision", "vote tally", "root@example.org", 1)


def test_a_mailed_meetbot_summary_gives_decisions_and_nick_owned_actions() -> None:
    body = ("Meeting summary\n\nAGREED: The AtSpiTwo feature is accepted. (nirik, 17:21:55)\n"
            "ACTION: ajax to look at the issue for FESCo (nirik, 17:52:03)\n")
    found = message_items(body, message_id="m", date=WHEN)
    assert [(i.kind, i.text, i.owners) for i in found] == [
        ("decision", "The AtSpiTwo feature is accepted.", ()),
        ("action", "ajax to look at the issue for FESCo", ("ajax",))]


def test_a_marked_line_the_mailer_wrapped_is_read_whole() -> None:
    body = ("ACTION: Beatriz to update section 4.2 of the editor's draft to reflect\n"
            "resolution 2 by 30 November.\n"
            "Decision: feature releases every 10 weeks, with a two-week stabilisation window\n"
            "The window is enforced by branch protection.\n")
    found = message_items(body, message_id="m", date=WHEN)
    assert [i.text for i in found] == [
        "Beatriz to update section 4.2 of the editor's draft to reflect resolution 2 by 30 November.",
        "feature releases every 10 weeks, with a two-week stabilisation window"]  # a capital starts a new sentence
