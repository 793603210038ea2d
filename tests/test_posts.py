"""Blog posts and feeds read as documents: searchable, read by the minutes rules, cross-linked."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskCliRunner

from archive.cli import cli
from archive.models import RawItem, SourceError
from ingest.message import parse_message
from ingest.posts import iter_posts, post_id
from ingest.sources import detect_format
from tests.conftest import DATA, json_rows

FEED = DATA / "posts" / "foundation-blog.xml"
PAGE = DATA / "posts" / "board-notes.html"
MEETINGS = DATA.parent.parent / "examples" / "meetings"


def posts(path: Path) -> list:
    return [parse_message(item.raw, source_url=item.source_url) for item in iter_posts(path) if isinstance(item, RawItem)]


def test_each_post_of_a_feed_is_a_document_with_title_author_date_and_text() -> None:
    assert detect_format(FEED) == "posts"
    notes, welcome = posts(FEED)
    assert (notes.subject, notes.sender.name, notes.date.isoformat()) == (  # type: ignore[union-attr]
        "Board meeting notes, 12 March 2024", "Jane Okafor", "2024-03-13T10:00:00+00:00")
    assert notes.message_id == post_id("https://foundation.lanternfish.example/blog/board-2024-03-12/")
    assert notes.source_url == "https://foundation.lanternfish.example/blog/board-2024-03-12/"
    assert "The board voted to approve the 2024 budget." in notes.body and "not text" not in notes.body
    assert welcome.body.strip() == "Mei Lin joins the board. She will chair the community calls."


def test_a_saved_blog_page_is_its_article_without_the_site_around_it() -> None:
    assert detect_format(PAGE) == "posts"
    (post,) = posts(PAGE)
    assert (post.subject, post.sender.name, post.date.isoformat()) == (  # type: ignore[union-attr]
        "Board meeting notes, April 2024", "Ravi Menon", "2024-04-10T08:00:00+00:00")
    assert "The board approved the new travel grant policy." in post.body
    assert "Privacy" not in post.body and "Home" not in post.body and "tracker" not in post.body


def test_a_broken_feed_is_reported_not_fatal(tmp_path: Path) -> None:
    broken = tmp_path / "feed.xml"
    broken.write_text("<?xml version='1.0'?><rss><channel><title>x</title></channel></rss>")
    (error,) = list(iter_posts(broken))
    assert isinstance(error, SourceError) and "a feed without posts" in error.reason


def test_posts_carrying_board_notes_yield_decisions_actions_and_links(runner: FlaskCliRunner) -> None:
    result = runner.invoke(cli, ["ingest", str(FEED), str(PAGE), *map(str, sorted(MEETINGS.glob("*.log.txt"))),
                                 "--workers", "0"])
    assert result.exit_code == 0, result.output
    decisions = {row["text"] for row in json_rows(runner, "decisions")}
    assert {"approve the 2024 budget", "approved the new travel grant policy"} <= decisions
    assert not any("trademark" in text for text in decisions)  # a future vote
    actions = {(row["text"], tuple(row["owners"]), row["due"]) for row in json_rows(runner, "actions")}
    assert ("write up the security release process", ("Ravi Menon",), "2024-03-15") in actions
    assert ("draft the call for travel grant applications", ("Mei Lin",), None) in actions
    (meeting,) = json_rows(runner, "links", "lanternfish_core.2024-02-13-16.00")
    assert any(link["source"]["id"] == post_id("https://foundation.lanternfish.example/blog/board-2024-03-12/")
               for link in meeting["incoming"])
    hits = json_rows(runner, "search", "travel", "grant")
    assert hits[0]["id"] == post_id("https://foundation.lanternfish.example/blog/board-2024-04-09/")
