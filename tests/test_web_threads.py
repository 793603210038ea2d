"""The thread page: nested and flat, bodies rendered safely, neighbours, merged ids, and its JSON twin."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.conftest import CORPORA, client_on
from tests.test_web_lists import dev_messages, page

CADENCE = "0986b017ad37"  # "Proposal: release cadence for 0.9" in examples/
CADENCE_ROOT = "ZZwsXt3nKq8yVb2L@lanternfish.example"


def thread_id_of(client: FlaskClient, message_id: str) -> str:
    """Return the thread a message is in, as its permalink's JSON twin says."""
    data = client.get(f"/api/m/{message_id}/").get_json()
    return str(data["thread"]["summary"]["thread_id"])


def test_thread_id_of_the_sample_thread(sample_client: FlaskClient) -> None:
    assert thread_id_of(sample_client, CADENCE_ROOT) == CADENCE


def test_thread_is_nested_by_in_reply_to(sample_client: FlaskClient) -> None:
    soup = page(sample_client, f"/t/{CADENCE}/")
    assert soup.h1.get_text() == "Proposal: release cadence for 0.9"
    articles = soup.select("article.msg")
    assert len(articles) == 7
    # Every reply sits one level under the message its In-Reply-To names, and links to it.
    headers = {m["Message-ID"].strip("<>"): m for m in dev_messages() if m["Message-ID"]}
    data = sample_client.get(f"/api/t/{CADENCE}/").get_json()
    depth = {}
    for entry in data["thread"]["entries"]:
        parent = headers[entry["message_id"]]["In-Reply-To"]
        expected_parent = parent.split(">")[0].strip().lstrip("<") if parent else None
        assert entry["parent_id"] == expected_parent
        depth[entry["message_id"]] = entry["depth"]
        assert entry["depth"] == (depth[expected_parent] + 1 if expected_parent else 0)
    assert max(depth.values()) == 3
    assert [a["class"][1] for a in articles] == [f"depth-{e['depth']}" for e in data["thread"]["entries"]]
    reply = articles[1]
    assert "in reply to Alice Wong" in " ".join(reply.select_one(".meta").get_text().split())
    assert reply.select_one(".meta a[href^='#']")["href"] == "#" + articles[0]["id"]


def test_flat_view_is_by_date(sample_client: FlaskClient) -> None:
    soup = page(sample_client, f"/t/{CADENCE}/?view=flat")
    stamps = [t["datetime"] for t in soup.select("article.msg header time")]
    assert len(stamps) == 7 and stamps == sorted(stamps)
    assert {a["class"][1] for a in soup.select("article.msg")} == {"depth-0"}
    assert soup.find("a", string="Show as a tree")


def test_dates_are_absolute_in_the_senders_time_zone(sample_client: FlaskClient) -> None:
    soup = page(sample_client, f"/t/{CADENCE}/")
    first = soup.select_one("article.msg header time")
    # The root's Date header: Mon, 08 Jan 2024 09:14:22 -0800.
    assert first.get_text() == "2024-01-08 09:14 -0800"
    assert first["datetime"] == "2024-01-08T17:14:22+00:00"


def test_bodies_quotes_signatures_and_links(sample_client: FlaskClient) -> None:
    soup = page(sample_client, f"/t/{CADENCE}/")
    quotes = soup.select("article.msg details.quote")
    assert quotes and all(q.summary.get_text().endswith(("quoted line", "quoted lines")) for q in quotes)
    assert any(not q.has_attr("open") for q in quotes), "long quotes start collapsed"
    assert soup.select("article.msg pre.signature")
    link = soup.find("a", href=lambda h: h and h.startswith("https://meetings.lanternfish.example/"))
    assert link["rel"] == ["nofollow", "ugc", "noopener"]
    assert link["href"].endswith("lanternfish_core.2024-02-13-16.00.log.html#l-12")


def test_outline_and_neighbours(sample_client: FlaskClient) -> None:
    soup = page(sample_client, f"/t/{CADENCE}/")
    outline = soup.select("nav.outline-box ol.outline li a")
    anchors = [a["href"] for a in outline]
    assert len(anchors) == 7 and all(soup.find(id=href[1:]) for href in anchors)
    # The cadence thread starts lanternfish-dev, so it has only a next thread.
    assert soup.find("a", rel="prev") is None
    following = soup.find("a", rel="next")
    assert following.get_text().startswith("[PATCH v2 0/3] storage: verify WAL record checksums")


def test_html_only_mail_is_text_with_the_original_downloadable(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/l/lanternfish-dev/")
    url = soup.find("a", string="Contributor meetup in Lisbon on 23 March?")["href"]
    thread = page(sample_client, url)
    note = thread.select_one("article.msg .note")
    assert "sent as HTML" in note.get_text()
    original = sample_client.get(note.a["href"])
    assert original.status_code == 200 and original.mimetype == "text/html"
    assert original.headers["Content-Disposition"].startswith("attachment")
    body = thread.select_one("article.msg .body").get_text()
    assert "Lisboa" in body or "Lisbon" in body
    assert "<style" not in thread.select_one("article.msg .body").decode_contents()


def test_ghost_parent_is_shown_as_missing(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/l/lanternfish-dev/")
    url = soup.find("a", string="Re: CI: test_compaction_under_load is flaky on arm64")["href"]
    thread = page(sample_client, url)
    assert thread.select_one("p.ghost").get_text() == "A message that is not in the archive."


def test_thread_json_twin(sample_client: FlaskClient) -> None:
    data = sample_client.get(f"/api/t/{CADENCE}/?view=flat").get_json()
    assert data["flat"] is True and data["list_name"] == "lanternfish-dev"
    assert data["thread"]["summary"]["messages"] == 7
    first = data["thread"]["entries"][0]["message"]
    assert first["url"] == f"/m/{CADENCE_ROOT}/"
    assert first["sender"]["email"] == "al…@lanternfish.example"
    assert "alice@lanternfish.example" not in json.dumps(data)


def test_merged_thread_redirects_to_the_thread_it_joined(web_client: FlaskClient) -> None:
    old = thread_id_of(web_client, "first@example.org")
    data = web_client.get(f"/api/t/{old}/").get_json()
    ids = [e["message_id"] for e in data["thread"]["entries"]]
    assert ids == ["first@example.org", "second@example.org", "joiner@example.org"]
    # The second message had a thread of its own before the joiner arrived; that URL must still work.
    from archive.threads import thread_id_for

    vanished = thread_id_for("second@example.org")
    assert vanished != old
    for prefix in ("", "/api"):
        response = web_client.get(f"{prefix}/t/{vanished}/?view=flat")
        assert response.status_code == 301
        assert response.headers["Location"] == f"{prefix}/t/{old}/?view=flat"


def test_unknown_thread_is_404(sample_client: FlaskClient) -> None:
    page(sample_client, "/t/0000000000ff/", 404)
    page(sample_client, "/t/<script>/", 404)
    page(sample_client, f"/t/{CADENCE}/?view=sideways", 400)


def test_largest_real_thread_renders_whole_as_notmuch_threads_it(lkml_dir: Path) -> None:
    expected = json.loads((CORPORA / "notmuch" / "expected-threads-lkml.notmuch-0.37.json").read_text())
    notmuch = max(expected["threads"], key=lambda t: len(t["messages"]))
    assert len(notmuch["messages"]) == 100
    client = client_on(lkml_dir)
    root = notmuch["messages"][0]["message_id"]
    thread = client.get(f"/api/t/{thread_id_of(client, root)}/").get_json()["thread"]
    parents = {e["message_id"]: e["parent_id"] for e in thread["entries"]}
    real = {e["message_id"] for e in thread["entries"] if e["message"]}

    def real_parent(message_id: str) -> str | None:
        """Return the nearest real ancestor (notmuch has no ghosts)."""
        parent = parents[message_id]
        while parent is not None and parent not in real:
            parent = parents[parent]
        return parent

    assert {mid: real_parent(mid) for mid in real} == {m["message_id"]: m["parent_id"] for m in notmuch["messages"]}
    soup = BeautifulSoup(client.get(f"/t/{thread['summary']['thread_id']}/").data, "html.parser")
    assert len(soup.select("article.msg")) == 100
