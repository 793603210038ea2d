"""Mail archives saved as web pages: Pipermail and MHonArc pages read back into messages."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from archive.cli import cli
from archive.models import RawItem, SourceError
from ingest.message import parse_message
from ingest.sources import detect_format
from ingest.web_pages import iter_pages, read_page, thread_parents
from tests.conftest import DATA, json_rows

TREE = DATA / "pipermail-html" / "lanternfish-announce"
MONTH = TREE / "2024-March"
ANNOUNCE = DATA.parent.parent / "examples" / "mail" / "lanternfish-announce" / "2024-March.txt"


def messages(path: Path) -> list:
    return [parse_message(item.raw, source_url=item.source_url) for item in iter_pages(path) if isinstance(item, RawItem)]


def test_a_pipermail_page_gives_subject_author_address_date_message_id_and_body() -> None:
    fields = read_page((MONTH / "000101.html").read_text())
    assert fields["subject"] == "[Lanternfish-announce] Lanternfish 0.9.0rc1 is available for testing"
    assert (fields["name"], fields["email"]) == ("Alice Wong", "alice@lanternfish.example")
    assert fields["message_id"] == "ZedbYq2Tn5Lw8Kc1@lanternfish.example"  # the reply link's In-Reply-To
    assert "pip install --pre lanternfish==0.9.0rc1" in fields["body"]
    assert "19 March & the\nnotes follow <soon>." in fields["body"]  # entities decoded, links as their text


def test_a_saved_tree_imports_as_threads_from_thread_html() -> None:
    assert detect_format(TREE) == "archive-pages"
    assert thread_parents(MONTH / "thread.html") == {"000102.html": "000101.html"}
    found = messages(TREE)
    assert [m.subject.split("] ")[1] for m in found][:2] == [
        "Lanternfish 0.9.0rc1 is available for testing", "Correction: Lanternfish 0.9.0rc1 checksums"]
    assert found[1].in_reply_to == found[0].message_id
    assert found[0].source_url == "/pipermail/lanternfish-announce/2024-March/000101.html"
    assert found[0].date is not None and found[0].date.isoformat() == "2024-03-05T18:00:00+00:00"


def test_hostile_markup_imports_as_plain_text() -> None:
    hostile = messages(MONTH / "000103.html")[0]
    assert "<script" not in hostile.subject and "alert" not in hostile.body
    assert "unclosed bold and italics" in hostile.body and "javascript:" not in hostile.body


def test_an_mhonarc_page_reads_its_x_comments() -> None:
    assert detect_format(DATA / "mhonarc" / "msg00042.html") == "archive-pages"
    (message,) = messages(DATA / "mhonarc" / "msg00042.html")
    assert (message.sender.name, message.sender.email) == ("Kenji Tanaka", "kenji.tanaka@lanternfish.example")
    assert message.message_id == "87a5b3c2d1.fsf@kenji.example"
    assert message.references[-1] == message.in_reply_to == "20240219153000.GB5678@lanternfish.example"
    assert "the <crc32c.h> code path" in message.body


def test_a_huge_or_unreadable_page_is_reported_not_fatal(tmp_path: Path) -> None:
    huge = tmp_path / "000001.html"
    huge.write_text("<!--beginarticle-->" + "x" * (6 * 1024 * 1024))
    (error,) = list(iter_pages(huge))
    assert isinstance(error, SourceError) and "too large" in error.reason


def test_pages_and_the_mbox_of_the_same_messages_merge_in_either_order(runner: FlaskCliRunner) -> None:
    def rows() -> list[dict]:
        return [row for row in json_rows(runner, "threads", "--list", "lanternfish-announce")]

    runner.invoke(cli, ["ingest", str(ANNOUNCE), "--workers", "0"])
    before = runner.invoke(cli, ["lists", "--json"]).output
    result = runner.invoke(cli, ["ingest", str(TREE), "--workers", "0"])
    assert result.exit_code == 0, result.output
    lists = {json.loads(line)["name"]: json.loads(line) for line in runner.invoke(cli, ["lists", "--json"]).output.splitlines()}
    assert lists["lanternfish-announce"]["messages"] == 5  # the 4 of the mbox, and the hostile page
    assert before != runner.invoke(cli, ["lists", "--json"]).output
    # A link to the page now finds the message imported from the mbox.
    (row,) = json_rows(runner, "links", "http://lists.lanternfish.example/pipermail/lanternfish-announce/2024-March/000101.html")
    assert row["resolved"] == {"kind": "message", "id": "ZedbYq2Tn5Lw8Kc1@lanternfish.example"}
    assert rows()


def test_an_original_arriving_after_its_page_copy_replaces_it(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", str(TREE), "--workers", "0"])
    runner.invoke(cli, ["ingest", str(ANNOUNCE), "--workers", "0"])
    lists = {json.loads(line)["name"]: json.loads(line) for line in runner.invoke(cli, ["lists", "--json"]).output.splitlines()}
    assert lists["lanternfish-announce"]["messages"] == 5
    (row,) = json_rows(runner, "links", "https://archive.example/pipermail/lanternfish-announce/2024-March/000101.html")
    assert row["resolved"] == {"kind": "message", "id": "ZedbYq2Tn5Lw8Kc1@lanternfish.example"}


PUBLIC_INBOX = DATA / "public-inbox-html"
DEV = DATA.parent.parent / "examples" / "mail" / "lanternfish-dev.mbox"


def test_a_public_inbox_thread_page_and_its_text_give_the_same_messages() -> None:
    for name in ("thread-T.html", "thread-T.txt"):
        assert detect_format(PUBLIC_INBOX / name) == "archive-pages", name
        found = messages(PUBLIC_INBOX / name)
        assert [(m.message_id, m.in_reply_to, m.sender.name) for m in found] == [
            ("20240122094501.20817-1-zoe.martin@example.net", None, "Zoë Martin"),
            ("Zbb1Xr8mKw2vQe5T@lanternfish.example", "20240122094501.20817-1-zoe.martin@example.net", "Alice Wong")]
        assert found[1].body.startswith("On Mon, Jan 22, 2024") and "permalink" not in found[1].body
        assert "Applied to main, thanks." in found[1].body
    (single,) = messages(PUBLIC_INBOX / "message.html")
    assert single.subject == "[PATCH v2 0/3] storage: verify WAL record checksums on replay"


def test_public_inbox_pages_merge_with_the_mbox_they_came_from(runner: FlaskCliRunner) -> None:
    runner.invoke(cli, ["ingest", str(DEV), "--workers", "0"])
    result = runner.invoke(cli, ["ingest", str(PUBLIC_INBOX / "thread-T.html"), "--list", "lanternfish-dev",
                                 "--workers", "0"])
    assert "imported 0, duplicates 2" in result.output  # both messages were already there, from the mbox
    lists = {json.loads(line)["name"]: json.loads(line) for line in runner.invoke(cli, ["lists", "--json"]).output.splitlines()}
    assert lists["lanternfish-dev"]["messages"] == 34


def test_a_page_saved_as_text_without_its_message_id_merges_by_sender_time_and_words(runner: FlaskCliRunner) -> None:
    text = DATA / "pipermail-text" / "correction.txt"
    assert detect_format(text) == "archive-pages"
    runner.invoke(cli, ["ingest", str(ANNOUNCE), "--workers", "0"])
    result = runner.invoke(cli, ["ingest", str(text), "--list", "lanternfish-announce", "--workers", "0"])
    assert "imported 0" in result.output
    alone = runner.invoke(cli, ["ingest", str(text), "--list", "elsewhere", "--workers", "0"])
    assert "imported 0" in alone.output  # the same message, now listed in a second list too


def test_a_message_from_a_page_reads_like_mail_on_the_web(tmp_path: Path) -> None:
    from tests.conftest import client_on, imported

    directory = imported(tmp_path / "pages", ([TREE], None))
    client = client_on(directory)
    page = client.get("/m/hostile-1@example.org/").get_data(as_text=True)
    assert "unclosed bold and italics" in page and "<script" not in page.split("</head>")[1]
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page  # the name, escaped
    assert "javascript:" not in page
    thread = client.get("/m/Zeiaq8Xb1Wn4Rs7M@lanternfish.example/").get_data(as_text=True)
    assert "Lanternfish 0.9.0rc1 is available for testing" in thread  # its parent, from thread.html
    found = client.get("/api/search?q=SHA256SUMS").get_json()
    assert [hit["id"] for hit in found["hits"]] == ["Zeiaq8Xb1Wn4Rs7M@lanternfish.example"]
