"""The meetings pages through the Flask test client: series, minutes, log, downloads and feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

SERIES = "/meetings/lanternfish_core/"
MINUTES = SERIES + "lanternfish_core.2024-02-13-23.30/"


def soup(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_index_lists_every_series_with_counts(meetings_client: FlaskClient) -> None:
    page = soup(meetings_client, "/meetings/")
    cards = {card.h2.get_text(strip=True): card.get_text(" ", strip=True) for card in page.select("li.card")}
    assert set(cards) == {"lanternfish_cafe", "lanternfish_core", "lanternfish_triage"}
    assert "1 meeting, the last on 2024-02-13 · 3 action items" in cards["lanternfish_core"]
    assert meetings_client.get("/api/meetings/").get_json()["series"][1]["name"] == "lanternfish_core"


def test_series_page_lists_meetings_by_year(meetings_client: FlaskClient) -> None:
    page = soup(meetings_client, SERIES)
    assert page.select_one("h2").get_text() == "2024"
    link = page.select_one("li.thread a.subject")
    assert link.get_text() == "lanternfish core" and link["href"] == MINUTES
    assert "2024-02-13 23:30 UTC" in page.select_one("li.thread").get_text()


def test_minutes_show_topics_items_actions_and_people(meetings_client: FlaskClient) -> None:
    page = soup(meetings_client, MINUTES)
    topics = [a.get_text() for a in page.select("li.topic > .topic-title")]
    assert topics == ["Release cadence", "Storage format"]
    agreed = page.select_one("li.item-agreed")
    assert "Releases every 12 weeks from 0.10" in agreed.get_text()
    assert agreed.select_one(".meta a")["href"] == MINUTES + "log#l-12"
    actions = {li.select_one(".nick").get_text(): [x.get_text() for x in li.select("ul li")]
               for li in page.select("ul.actions > li") if li.select_one(".nick")}
    assert actions["kenji"] == ["priya and kenji draft the release checklist"]
    assert "someone-absent writes the announcement" in page.select("ul.actions > li")[-1].get_text()
    assert "2024-02-13 23:30 UTC to 00:00 UTC" in page.select_one("p.stats").get_text(" ", strip=True)
    data = meetings_client.get("/api" + MINUTES).get_json()
    assert data["meeting"]["chairs"] == ["alice", "kenji"]


def test_log_has_an_anchor_per_line_and_links(meetings_client: FlaskClient) -> None:
    page = soup(meetings_client, MINUTES + "log")
    line = page.select_one("#l-11")
    assert line is not None and "review.lanternfish.example/c/4790" in line.select_one("a[rel]")["href"]
    assert page.select_one("#l-2 strong.cmd").get_text() == "#startmeeting"
    assert len(page.select("ol.log > li")) == 31


def test_downloads_and_raw_log(meetings_client: FlaskClient) -> None:
    text = meetings_client.get(MINUTES + "minutes.txt")
    assert text.mimetype == "text/plain" and "attachment" in text.headers["Content-Disposition"]
    assert "Action Items, by person" in text.get_data(as_text=True)
    assert meetings_client.get(MINUTES + "minutes.md").get_data(as_text=True).startswith("# lanternfish core")
    raw = meetings_client.get(MINUTES + "log.txt")
    assert raw.headers["X-Content-Type-Options"] == "nosniff"
    assert raw.get_data(as_text=True).startswith("23:29:58 <alice> early chatter")


def test_series_atom_feed(meetings_client: FlaskClient) -> None:
    feed = ET.fromstring(meetings_client.get(SERIES + "atom").data)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1 and "Meeting summary" in (entries[0].findtext("{http://www.w3.org/2005/Atom}content") or "")


def test_unknown_series_and_meetings_are_404(meetings_client: FlaskClient) -> None:
    soup(meetings_client, "/meetings/nope/", 404)
    soup(meetings_client, SERIES + "nope/", 404)
    soup(meetings_client, "/meetings/lanternfish_triage/lanternfish_core.2024-02-13-23.30/", 404)
