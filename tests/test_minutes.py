"""Minutes written out as MeetBot-style text and as Markdown."""

from __future__ import annotations

from archive.minutes import minutes_markdown, minutes_text
from ingest.meetbot import parse_meetbot_log
from tests.conftest import DATA

CORE = DATA / "meetings" / "lanternfish_core.2024-02-13-23.30.log.txt"
MEETING = parse_meetbot_log(CORE.read_text(), CORE.name)


def test_text_minutes_read_like_meetbot_s() -> None:
    text = minutes_text(MEETING)
    assert text.startswith("================\nlanternfish core\n================\n")
    assert "* Release cadence  (alice, 23:30:30)\n  * Twelve weeks suggested by Priya  (priya, 23:30:45)" in text
    assert "  * AGREED: Releases every 12 weeks from 0.10  (kenji, 23:31:00)" in text
    assert "* priya\n  * priya and kenji draft the release checklist" in text
    assert "* **UNASSIGNED**\n  * someone-absent writes the announcement" in text
    assert "* alice (" in text.split("People Present (lines said)")[1]


def test_long_urls_are_never_broken_across_lines() -> None:
    assert "https://review.lanternfish.example/c/4801" in minutes_text(MEETING)


def test_markdown_minutes_escape_what_markdown_would_format() -> None:
    markdown = minutes_markdown(MEETING)
    assert markdown.startswith("# lanternfish core\n")
    assert "## Release cadence" in markdown and "- **ACTION** dmitri to check Python 3.8 support" in markdown
    assert "- someone-absent writes the announcement" not in markdown
    assert "- Unassigned: someone-absent writes the announcement" in markdown
    assert "\\_" in minutes_markdown(parse_meetbot_log("10:00 <a_b> #startmeeting x_y\n", "t.log.txt"))
