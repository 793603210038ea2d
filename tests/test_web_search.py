"""The search pages through the Flask test client: results, the JSON twin, the feed, the mbox, bad input."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.conftest import client_on

ATOM = "{http://www.w3.org/2005/Atom}"
CADENCE = "Proposal: release cadence for 0.9"


def soup(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    """Return the parsed page at url, checking its status."""
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def hit_titles(page: BeautifulSoup) -> list[str]:
    """Return the titles of the hits on a results page, in order."""
    return [a.get_text() for a in page.select("li.hit a.subject")]


def test_results_are_grouped_by_thread_with_highlighted_snippets(sample_client: FlaskClient) -> None:
    page = soup(sample_client, "/search?q=release+cadence")
    assert hit_titles(page)[0].endswith(CADENCE)  # the best message of the thread, maybe a reply
    first = page.select_one("li.hit")
    assert first is not None
    assert "matching messages in this thread" in first.get_text()
    assert [m.get_text().lower() for m in first.select("p.snippet mark")][:1] in (["release"], ["cadence"])
    assert len(hit_titles(page)) == len(set(hit_titles(page)))  # each thread once
    assert page.select_one("header form.search input[name=q]")["value"] == "release cadence"


def test_a_result_links_to_its_message_thread_and_list(sample_client: FlaskClient) -> None:
    page = soup(sample_client, "/search?q=s:cadence")
    hit = page.select_one("li.hit")
    assert hit is not None
    hrefs = [a["href"] for a in hit.select("a")]
    assert hrefs[0].startswith("/m/") and "/t/0986b017ad37/" in hrefs and "/l/lanternfish-dev/" in hrefs
    assert sample_client.get(hrefs[0]).status_code == 200


def test_facets_narrow_the_search_when_followed(sample_client: FlaskClient) -> None:
    page = soup(sample_client, "/search?q=release")
    lists = {a.get_text(): a["href"] for a in page.select("aside.facets a")}
    assert "lanternfish-announce" in lists and "lanternfish-dev" in lists
    narrowed = soup(sample_client, lists["lanternfish-announce"])
    assert narrowed.select_one("#search-q")["value"] == "release l:lanternfish-announce"
    titles = hit_titles(narrowed)
    assert titles and all("Lanternfish-announce" in t for t in titles)


def test_sort_by_date_newest_first(sample_client: FlaskClient) -> None:
    page = soup(sample_client, "/search?q=release&sort=-date")
    dates = [t["datetime"] for t in page.select("li.hit time")]
    assert len(dates) > 2 and dates == sorted(dates, reverse=True)
    assert page.select_one("#search-sort option[selected]")["value"] == "-date"


def test_json_twin_has_the_same_hits(sample_client: FlaskClient) -> None:
    data = sample_client.get("/api/search?q=release+cadence").get_json()
    page = soup(sample_client, "/search?q=release+cadence")
    assert [hit["title"] for hit in data["hits"]] == hit_titles(page)
    assert data["hits"][0]["thread_id"] == "0986b017ad37" and data["threads"] == len(data["hits"])
    assert {"list", "year", "kind"} == {facet["name"] for facet in data["facets"]}


def test_addresses_are_shortened_in_snippets_and_senders(sample_client: FlaskClient) -> None:
    html = sample_client.get("/search?q=wrote").get_data(as_text=True)
    text = sample_client.get("/api/search?q=wrote").get_data(as_text=True)
    assert "@sato.example" in html  # the snippets quote attribution lines with addresses ...
    for body in (html, text):
        assert "kenji@sato.example" not in body  # ... shortened
    shown = client_on(sample_client.application.config["DATA_DIR"], SHOW_ADDRESSES={"*": True})
    assert "kenji@sato.example" in shown.get("/search?q=wrote").get_data(as_text=True)


def test_unknown_words_get_a_did_you_mean(sample_client: FlaskClient) -> None:
    page = soup(sample_client, "/search?q=releese")
    link = page.find("a", string="release")
    assert link is not None and link["href"] == "/search?q=release"


@pytest.mark.parametrize("query", [
    '"unbalanced quote', "(open paren", "NOT", "nosuch:prefix release", "d:2019-13-45", "d:yesterday..soon",
    "a" * 5000, "*", "re*", "<script>alert(1)</script>", "AND OR NOT ( ) \" : -", "l:", "f:@",
])
def test_bad_queries_give_a_page_that_explains(sample_client: FlaskClient, query: str) -> None:
    response = sample_client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert response.get_json() is None and sample_client.get("/api/search", query_string={"q": query}).status_code == 200


def test_a_bad_query_says_what_was_ignored_and_still_searches(sample_client: FlaskClient) -> None:
    page = soup(sample_client, "/search?q=release+d:2019-13-45")
    assert "was ignored" in page.select_one("ul.warnings").get_text()
    assert hit_titles(page)
    assert "wildcard needs at least 3" in soup(sample_client, "/search?q=re*").select_one("ul.warnings").get_text()


def test_bad_page_and_sort_arguments_never_fail(sample_client: FlaskClient) -> None:
    for url in ("/search?q=release&page=abc", "/search?q=release&page=99999999", "/search?q=release&sort=bogus"):
        assert sample_client.get(url).status_code == 200
    assert "unknown sort" in soup(sample_client, "/search?q=release&sort=bogus").get_text()


def test_empty_search_shows_how_to_search(sample_client: FlaskClient) -> None:
    page = soup(sample_client, "/search")
    assert page.select_one("details.search-help[open]") is not None
    assert not page.select("li.hit")


def test_atom_feed_of_a_search_lists_the_newest_matches(sample_client: FlaskClient) -> None:
    response = sample_client.get("/search/atom?q=release")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.findtext(f"{ATOM}title") == "Search: release"
    updated = [entry.findtext(f"{ATOM}updated") or "" for entry in feed.iter(f"{ATOM}entry")]
    assert len(updated) > 2 and updated == sorted(updated, reverse=True)
    assert "kenji@sato.example" not in response.get_data(as_text=True)
    page = soup(sample_client, "/search?q=release")
    assert page.select_one('link[type="application/atom+xml"]')["href"] == "/search/atom?q=release"


def test_mbox_of_a_search_holds_every_message_of_the_matching_threads(sample_client: FlaskClient) -> None:
    response = sample_client.get("/search/mbox.gz?q=s:cadence")
    assert response.mimetype == "application/gzip"
    mbox = gzip.decompress(response.data)
    assert mbox.count(b"\nMessage-ID: ") + mbox.startswith(b"Message-ID: ") == 7  # the whole 7-message thread
    assert b"Subject: Proposal: release cadence for 0.9" in mbox
    assert sample_client.get("/search/mbox.gz?q=nothingmatchesthis").status_code == 404


def test_without_an_index_search_says_how_to_build_one(tmp_path: Path) -> None:
    response = client_on(tmp_path).get("/search?q=release")
    assert response.status_code == 503
    assert "minutebook reindex" in response.get_data(as_text=True)


def test_meetings_their_actions_and_decisions_are_found_and_linked(sample_client: FlaskClient) -> None:
    page = soup(sample_client, "/search?q=kind:decision+series:lanternfish_core+python")
    hit = page.select_one("li.hit")
    assert hit is not None and hit.select_one(".kind").get_text() == "decision"
    link = hit.select_one("a.subject")["href"]
    assert link == "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/log#l-16"
    assert sample_client.get(link.split("#")[0]).status_code == 200
    actions = soup(sample_client, "/search?q=nick:priya+kind:action")
    assert {a.get_text() for a in actions.select("li.hit a.subject")} == {
        "priya to draft the release checklist", "priya to address Kenji's review on 4790 and merge it",
        "Priya to draft the release checklist"}  # the last marked in a message of lanternfish-dev
    kinds = {a.get_text() for a in soup(sample_client, "/search?q=checklist").select("aside.facets a")}
    assert {"message", "action"} <= kinds


def test_a_decision_marked_in_a_message_links_to_the_message(sample_client: FlaskClient) -> None:
    hits = soup(sample_client, "/search?q=kind:decision+-series:lanternfish_core").select("li.hit a.subject")
    assert hits, "the sample's mail marks decisions"
    assert all(a["href"].startswith("/m/") for a in hits)
    assert sample_client.get(hits[0]["href"]).status_code == 200


def test_series_and_kind_find_a_series_meetings(sample_client: FlaskClient) -> None:
    page = soup(sample_client, "/search?q=series:lanternfish_core+kind:meeting&sort=-date")
    assert [a["href"] for a in page.select("li.hit a.subject")] == [
        "/meetings/lanternfish_core/lanternfish_core.2024-03-26-16.00/",
        "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/"]
