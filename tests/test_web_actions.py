"""The action items and decision log pages through the Flask test client."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient


def page(client: FlaskClient, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def texts(soup: BeautifulSoup) -> list[str]:
    return [" ".join(li.contents[2].get_text().split()) for li in soup.select("li.hit")]


def test_actions_from_meetings_and_messages_oldest_first_with_their_source(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/actions/")
    found = texts(soup)
    assert found[:3] == ["priya to draft the release checklist", "kenji to set up branch protection for release branches",
                         "Priya to draft the release checklist"]
    links = [a["href"] for a in soup.select("li.hit .meta a") if "line" in a.get_text()]
    assert links[0] == "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/log#l-20"
    assert any(link.startswith("/m/") for link in links)
    assert sample_client.get(links[0].split("#")[0]).status_code == 200


def test_actions_filter_by_owner_and_series(sample_client: FlaskClient) -> None:
    assert texts(page(sample_client, "/actions/?owner=Priya")) == [
        "priya to draft the release checklist", "Priya to draft the release checklist",
        "priya to address Kenji's review on 4790 and merge it"]
    from_meetings = page(sample_client, "/actions/?series=lanternfish_core")
    assert len(texts(from_meetings)) == 4
    assert from_meetings.select_one("#f-series option[selected]")["value"] == "lanternfish_core"
    data = sample_client.get("/api/actions/?owner=alice").get_json()
    assert [item["text"] for item in data["items"]] == ["Alice to merge GOVERNANCE.md and announce it on lanternfish-announce"]


def test_decision_log_newest_first_and_by_words(sample_client: FlaskClient) -> None:
    decisions = texts(page(sample_client, "/decisions/"))
    assert decisions[0] == "v3 page layout lands in 0.10 behind a format flag"
    assert "GOVERNANCE.md is adopted, with 4 binding +1 and 1 binding -1" in decisions
    assert texts(page(sample_client, "/decisions/?q=python+3.8")) == [
        "we drop Python 3.8 support in 0.9",
        "We drop Python 3.8 support in 0.9; the 0.8.x branch keeps testing on 3.8 until 0.10 is released"]
    assert texts(page(sample_client, "/decisions/?year=2023")) == []
