"""Body rendering: blocks, links, escaping and address obfuscation, on the sample's real messages."""

from __future__ import annotations

from bs4 import BeautifulSoup

from archive.models import Address, RawItem
from archive.render import (
    address_text,
    anchor,
    linkify,
    obfuscate_email,
    obfuscate_text,
    render_block,
    render_body,
    split_body,
)
from ingest.mbox import iter_mbox
from ingest.message import parse_message
from tests.conftest import EXAMPLES


def sample_body(subject_start: str) -> str:
    """Return the body of the first lanternfish-dev message whose subject starts so."""
    for item in iter_mbox(EXAMPLES / "lanternfish-dev.mbox"):
        if isinstance(item, RawItem):
            message = parse_message(item.raw)
            if message.subject.startswith(subject_start):
                return message.body
    raise LookupError(subject_start)


def test_patch_splits_into_text_diff_and_signature() -> None:
    blocks = split_body(sample_body("[PATCH v2 2/3]"))
    kinds = [block.kind for block in blocks]
    assert kinds[-1] == "signature" and blocks[-1].lines[0] == "-- "
    diff = blocks[kinds.index("diff")]
    assert diff.lines[0].startswith("diff --git a/")
    assert any(line.startswith("@@") for line in diff.lines)
    assert kinds[0] == "text"


def test_reply_quotes_are_blocks_of_their_own() -> None:
    blocks = split_body(sample_body("Re: Proposal: release cadence"))
    quotes = [block for block in blocks if block.kind == "quote"]
    assert quotes and all(line.startswith(">") or not line.strip() for q in quotes for line in q.lines)
    assert "\n".join(line for b in blocks for line in b.lines) == sample_body("Re: Proposal: release cadence").rstrip()


def test_long_quotes_collapse_short_ones_stay_open() -> None:
    short = BeautifulSoup(render_body("> one\n> two\n\nanswer", show_addresses=False), "html.parser")
    assert short.details.has_attr("open") and short.summary.get_text() == "2 quoted lines"
    long = BeautifulSoup(render_body("\n".join(f"> line {n}" for n in range(8)) + "\nanswer", show_addresses=False),
                         "html.parser")
    assert not long.details.has_attr("open") and long.summary.get_text() == "8 quoted lines"
    assert long.select_one("pre.text").get_text() == "answer"


def test_diff_lines_are_marked() -> None:
    html = render_body("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old <b>\n+new & shiny\n context",
                       show_addresses=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("pre.diff del").get_text() == "-old <b>"
    assert soup.select_one("pre.diff ins").get_text() == "+new & shiny"
    assert soup.select_one("pre.diff .hunk").get_text() == "@@ -1 +1 @@"
    assert "<b>" not in str(html).replace("&lt;b&gt;", "")


def test_signature_is_dimmed_and_a_list_footer_too() -> None:
    body = "Hi\n\n-- \nAlice\n_______________________________________________\nlist mailing list"
    soup = BeautifulSoup(render_body(body, show_addresses=False), "html.parser")
    assert soup.select_one("pre.signature").get_text().startswith("-- \nAlice")
    footer = split_body("text\n" + "_" * 47 + "\nLanternfish-announce mailing list\nhttps://x.example/")
    assert footer[-1].kind == "signature"


def test_links_are_made_from_the_raw_text_only() -> None:
    html = str(linkify('see <https://example.org/a?b=1&c="x"> and (http://x.example/p_(q)). '
                       "javascript:alert(1) www.example.org setup.py ftp://ftp.example.org/f",
                       show_addresses=True))
    soup = BeautifulSoup(html, "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert hrefs == ['https://example.org/a?b=1&c="x"', "http://x.example/p_(q)", "ftp://ftp.example.org/f"]
    assert all(a["rel"] == ["nofollow", "ugc", "noopener"] for a in soup.find_all("a"))
    assert 'href="https://example.org/a?b=1&amp;c=&#34;x&#34;"' in html and html.startswith("see &lt;<a ")


def test_everything_is_escaped() -> None:
    html = str(render_body('<script>alert("x")</script> & <img src=x onerror=y>\n> <b>quoted</b>',
                           show_addresses=True))
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html


def test_addresses_are_obfuscated_in_text_but_not_inside_links() -> None:
    assert obfuscate_email("alice@lanternfish.example") == "al…@lanternfish.example"
    assert obfuscate_email("a@b.example") == "a…@b.example"
    assert obfuscate_text("Signed-off-by: Jens Axboe <axboe@kernel.dk>") == "Signed-off-by: Jens Axboe <ax…@kernel.dk>"
    html = str(linkify("mail bob.smith@example.org or see https://lore.kernel.org/r/123.abc@kernel.dk/",
                       show_addresses=False))
    assert "bob…@example.org" in html and "bob.smith@" not in html
    assert 'href="https://lore.kernel.org/r/123.abc@kernel.dk/"' in html
    assert "bob.smith@example.org" in str(linkify("bob.smith@example.org", show_addresses=True))


def test_address_text_prefers_names() -> None:
    assert address_text(Address("Alice Wong", "alice@lanternfish.example"), show=False) == "Alice Wong"
    assert address_text(Address("", "alice@lanternfish.example"), show=False) == "al…@lanternfish.example"
    assert address_text(Address("alice@lanternfish.example", "alice@lanternfish.example"), show=False) == \
        "al…@lanternfish.example"
    assert address_text(Address("", ""), show=True) == "(unknown sender)"


def test_anchors_are_safe_and_stable() -> None:
    hostile = '"><script>@x'
    assert anchor(hostile) == anchor(hostile)
    assert anchor(hostile).startswith("m-") and anchor(hostile)[2:].isalnum()
    assert anchor(hostile, 2) == anchor(hostile) + "-2"


def test_empty_body() -> None:
    assert split_body("") == [] and str(render_body("\n\n", show_addresses=False)) == ""
    assert str(render_block(split_body("x")[0], show_addresses=False)) == '<pre class="text">x</pre>'
