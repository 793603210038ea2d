"""Permalinks: one message in its thread, its raw bytes, its attachments, and hostile Message-IDs."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient

from tests.conftest import EXAMPLES, client_on
from tests.test_web_lists import page

USERS = EXAMPLES / "lanternfish-users"
HOSTILE_IDS = [
    '"quotedid"&amp;@evil.example',
    "../../etc/passwd@evil.example",
    "..",
    "a/b//c%2F..%2Fd?x=1#frag@evil.example",
    "/lead~ing@evil.example",
    "~it's&\"both\"@evil.example",
]


def header(path: Path, name: str) -> str:
    """Return a header's raw value from an .eml file (first occurrence)."""
    for line in path.read_text().splitlines():
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    raise KeyError(name)


def fields(soup: BeautifulSoup) -> dict[str, Tag]:
    """Return the permalink page's header list as {label: value element}."""
    return {dt.get_text(): dd for dt, dd in zip(soup.select("dl.headers dt"), soup.select("dl.headers dd"))}


def test_permalink_shows_the_message_in_its_thread(sample_client: FlaskClient) -> None:
    reply = USERS / "05-re-point-in-time-recovery.eml"
    message_id = header(reply, "Message-ID").strip("<>")
    soup = page(sample_client, f"/m/{message_id}/")
    assert soup.h1.get_text() == header(reply, "Subject")
    headers = fields(soup)
    assert headers["Lists"].get_text(strip=True) == "lanternfish-users"
    parent_id = header(reply, "In-Reply-To").strip("<>")
    assert headers["In reply to"].a["href"] == f"/m/{parent_id}/"
    replies = [a["href"] for a in soup.select("ul.replies a")]
    assert replies == [f"/m/{header(USERS / '06-re-point-in-time-recovery.eml', 'Message-ID').strip('<>')}/"]
    outline = soup.select("nav.outline-box ol.outline a")
    assert len(outline) == 4 and [a for a in outline if a.get("aria-current")][0]["href"] == f"/m/{message_id}/"
    assert "@" not in headers["From"].get_text().replace("…@", "")


def test_root_message_says_it_starts_its_thread(sample_client: FlaskClient) -> None:
    message_id = header(USERS / "04-point-in-time-recovery.eml", "Message-ID").strip("<>")
    soup = page(sample_client, f"/m/{message_id}/")
    assert "starts its thread" in fields(soup)["In reply to"].get_text()


def test_raw_is_the_original_bytes(sample_client: FlaskClient) -> None:
    for path in sorted(USERS.glob("*.eml")):
        message_id = header(path, "Message-ID").strip("<>")
        response = sample_client.get(f"/m/{message_id}/raw")
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == path.read_bytes()


def test_attachment_downloads_under_its_name(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/l/lanternfish-dev/")
    thread = page(sample_client, soup.find("a", string="B-tree page layout v3: benchmark results")["href"])
    link = thread.find("a", string="btree-bench.txt")
    response = sample_client.get(link["href"])
    assert response.status_code == 200
    assert len(response.data) == 663  # the sample's README
    assert response.headers["Content-Disposition"] == "attachment; filename=btree-bench.txt"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_message_without_a_message_id_has_a_permalink(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/l/lanternfish-dev/")
    thread = page(sample_client, soup.find("a", string="B-tree page layout v3: benchmark results")["href"])
    marek = [a for a in thread.select("article.msg") if "Marek Nowak" in a.h3.get_text()][0]
    permalink = marek.find("a", string="permalink")["href"]
    assert permalink.endswith("@minutebook.generated/")
    assert "Marek Nowak" in fields(page(sample_client, permalink))["From"].get_text()


@pytest.mark.parametrize("message_id", HOSTILE_IDS)
def test_hostile_message_ids_survive_a_round_trip(web_client: FlaskClient, message_id: str) -> None:
    thread_url = web_client.get("/api/l/web/").get_json()["threads"]
    hostile = [t for t in thread_url if "friends" in t["subject"]][0]["url"]
    soup = page(web_client, hostile)
    assert not soup.find("script") and not soup.find("b")
    permalinks = {a["href"] for a in soup.find_all("a", string="permalink")}
    # Find this message's permalink on the thread page, then follow it as a browser would.
    data = web_client.get("/api" + hostile).get_json()
    index = [e["message_id"] for e in data["thread"]["entries"]].index(message_id)
    url = data["thread"]["entries"][index]["message"]["url"]
    assert url in permalinks
    assert "/../" not in url and "//" not in url and not url.startswith("/m/./")
    shown = page(web_client, url)
    assert shown.select_one("code.mid").get_text() == message_id
    raw = web_client.get(url + "raw")
    assert raw.status_code == 200 and message_id.encode() in b"".join(raw.data.split())
    assert web_client.get("/api" + url).get_json()["message"]["message_id"] == message_id


def test_hostile_subject_and_body_are_escaped(web_client: FlaskClient) -> None:
    response = web_client.get('/m/"quotedid"&amp;@evil.example/')
    assert b"<script>" not in response.data
    assert b"&lt;script&gt;alert(&#34;subject&#34;)&lt;/script&gt;" in response.data
    soup = BeautifulSoup(response.data, "html.parser")
    link = soup.select_one("article.msg .body a")
    assert link["href"] == "https://evil.example/?q="
    assert link["rel"] == ["nofollow", "ugc", "noopener"]
    assert not soup.find("a", href=lambda h: h and h.startswith("javascript:"))
    assert "mal…@evil.example" in soup.select_one("article.msg .body").get_text()
    assert "Content-Security-Policy" in response.headers


def test_twin_message_ids_are_both_reachable(web_client: FlaskClient) -> None:
    soup = page(web_client, "/m/twin@example.org/")
    assert "2 different messages carry this Message-ID" in soup.get_text()
    assert "The first message" in soup.select_one("article.msg .body").get_text()
    second = page(web_client, "/m/twin@example.org/?v=2")
    assert "A different message" in second.select_one("article.msg .body").get_text()
    assert web_client.get("/m/twin@example.org/raw?v=2").data.rstrip().endswith(b"reusing the Message-ID.")
    page(web_client, "/m/twin@example.org/?v=3", 404)
    page(web_client, "/m/twin@example.org/?v=0", 400)


def test_a_message_in_two_lists_links_both(web_client: FlaskClient) -> None:
    headers = fields(page(web_client, "/m/crosspost@example.net/"))
    assert [a["href"] for a in headers["Lists"].find_all("a")] == ["/l/other/", "/l/web/"]
    assert web_client.get("/api/m/crosspost@example.net/").get_json()["message"]["lists"] == ["other", "web"]


def test_unknown_message_is_404(sample_client: FlaskClient) -> None:
    page(sample_client, "/m/nobody@example.org/", 404)
    assert sample_client.get("/m/nobody@example.org/raw").status_code == 404
    assert sample_client.get("/api/m/nobody@example.org/").get_json()["status"] == 404


def test_addresses_shown_when_the_list_allows(sample_dir: Path) -> None:
    message_id = header(USERS / "04-point-in-time-recovery.eml", "Message-ID").strip("<>")
    sender = header(USERS / "04-point-in-time-recovery.eml", "From").split("<")[1].rstrip(">")
    hidden = client_on(sample_dir).get(f"/m/{message_id}/").data.decode()
    shown = client_on(sample_dir, SHOW_ADDRESSES={"lanternfish-users": True}).get(f"/m/{message_id}/").data.decode()
    assert sender not in hidden and sender in shown


def test_every_awkward_real_message_has_a_working_permalink(hyperkitty_dir: Path) -> None:
    client = client_on(hyperkitty_dir)
    threads = client.get("/api/l/hyperkitty/").get_json()["threads"]
    urls = []
    for thread in threads:
        entries = client.get("/api" + thread["url"]).get_json()["thread"]["entries"]
        urls.extend(e["message"]["url"] for e in entries if e["message"])
    assert len(urls) == 29
    for url in urls:
        assert client.get(url).status_code == 200, url
        path, _, query = url.partition("?")
        assert client.get(f"{path}raw?{query}").status_code == 200, url
