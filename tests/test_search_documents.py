"""Stored messages become index documents: the author's words in full, quotes and diffs cheaply."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from search.documents import (date_seconds, distinct_words, message_document, message_key,
                              split_body)
from tests.search_support import fixture_messages

PATCH = "20210302101500.4411-1-jane@example.org"
REVIEW = "YD9a1b2c3d4e5f@bob.example.com"


def test_a_patch_splits_into_its_description_and_its_changes() -> None:
    parts = split_body(fixture_messages()[PATCH].body)
    assert "round trip through io_uring_enter()" in parts.author
    assert "fs/io_uring.c" in parts.author  # the diffstat names the files
    assert "io_frob_prep" not in parts.author
    assert "io_frob_prep" in parts.diff and "IORING_OP_FROB" in parts.diff
    assert "io_nop" in parts.diff  # the function a hunk changes, from its @@ line
    assert "io_setup_magic_context" not in parts.diff  # unchanged context is not indexed
    assert "2.30.0" not in parts.author + parts.diff  # the signature after "-- "


def test_a_reply_keeps_first_level_quotes_apart_from_what_its_author_wrote() -> None:
    parts = split_body(fixture_messages()[REVIEW].body)
    assert "v5.10 stable branch" in parts.author
    assert "round trip" in parts.quoted and "round trip" not in parts.author
    assert "zebrafish" not in parts.quoted + parts.author  # a quote of a quote
    assert "READ_ONCE" in parts.quoted  # a quoted diff line is quoted text, not a diff


def test_distinct_words_keeps_each_word_once_in_order() -> None:
    assert distinct_words("Foo bar foo BAR baz") == "foo bar baz"


def test_message_document_fields() -> None:
    message = fixture_messages()[PATCH]
    document = message_document(message, list_names=["ring-dev"], thread_id="abc123")
    assert document["key"] == message_key(message.content_hash) == f"message:{message.content_hash}"
    assert document["id"] == PATCH
    assert document["kind"] == "message"
    assert document["thread_id"] == "abc123"
    assert document["list"] == "ring-dev"
    assert document["title"] == "[PATCH 1/2] io_uring: add IORING_OP_FROB for registered buffers"
    assert document["sender"] == "Jane Hacker"
    assert "jane@example.org" in str(document["from"])
    assert "bob@example.com" in str(document["cc"])
    assert document["date"] == int(datetime(2021, 3, 2, 10, 15, tzinfo=timezone.utc).timestamp())
    assert document["year"] == "2021"
    assert "io_frob_prep" in str(document["diff"]) and "io_frob_prep" not in str(document["body"])


def test_a_message_without_thread_or_date_leaves_those_fields_out() -> None:
    message = fixture_messages()[PATCH]
    document = message_document(message.__class__(**{**message.__dict__, "date": None}), list_names=[],
                                 thread_id=None)
    assert "thread_id" not in document and "year" not in document
    assert document["date"] == date_seconds(None) == 0


def test_a_meeting_and_its_items_become_documents_grouped_under_the_meeting() -> None:
    from archive.actions import meeting_items
    from ingest.meetbot import parse_meetbot_log
    from search.documents import item_document, meeting_document

    log = Path(__file__).parent / "data" / "meetings" / "lanternfish_core.2024-02-13-23.30.log.txt"
    meeting = parse_meetbot_log(log.read_text(), log.name)
    document = meeting_document(meeting)
    assert document["id"] == "lanternfish_core/lanternfish_core.2024-02-13-23.30"
    assert "priya" in str(document["nick"]).split() and "Twelve weeks" in str(document["body"])
    first_action = next(item for item in meeting_items(meeting) if item.kind == "action")
    action = item_document(first_action, status="open", thread_id=None)
    assert (action["title"], action["nick"], action["status"], action["kind"]) == (
        "priya and kenji draft the release checklist", "kenji priya", "open", "action")
    assert action["id"] == "lanternfish_core/lanternfish_core.2024-02-13-23.30#15"
    assert action["thread_id"] == document["thread_id"] == "meeting:lanternfish_core.2024-02-13-23.30"
    assert action["series"] == "lanternfish_core"


def test_an_item_from_a_message_belongs_to_the_message_and_its_thread() -> None:
    from archive.models import ExtractedItem
    from search.documents import item_document, item_source_of

    item = ExtractedItem("decision", "Ship 2.0 in May", (), None, "message", "<m1@example.org>", 7, "marker Decision:")
    document = item_document(item, status=None, thread_id="t123")
    assert (document["id"], document["thread_id"], document["kind"]) == ("<m1@example.org>", "t123", "decision")
    assert "status" not in document and "year" not in document
    assert item_source_of(str(document["key"])) == "message"


def test_a_message_key_gives_back_its_content_hash_and_other_keys_none() -> None:
    from search.documents import content_hash_of

    assert content_hash_of(message_key("abc123")) == "abc123"
    assert content_hash_of("meeting:lanternfish_core.2024-02-13-16.00") is None
    assert content_hash_of("action:m:12") is None
