"""Links and Referenced-by panels, and the page of one review or other key, through the Flask test client."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

MEETING = "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/"
REVIEW = "/reviews/gerrit:review.lanternfish.example/4790"


def page(client: FlaskClient, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_a_meeting_shows_the_messages_and_reviews_that_cite_it(sample_client: FlaskClient) -> None:
    soup = page(sample_client, MEETING)
    cited = soup.select_one("#meeting-in-h").find_parent("section")
    sources = {a.get_text(): a["href"] for a in cited.select("li > a")}
    assert sources["Re: Proposal: release cadence for 0.9"] == "/m/Zcz9Qw1hJt6sNp3D@lanternfish.example/"
    assert any("4790" in title for title in sources)  # Kenji's review comment on the change
    assert "log.html#l-12" in cited.get_text()  # the line that cites it, as a snippet


def test_a_message_links_to_the_meeting_line_it_cites(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/m/Zcz9Qw1hJt6sNp3D@lanternfish.example/")
    outgoing = {a.get_text(): a["href"] for a in soup.select("#message-out-h ~ ul li > a")}
    assert outgoing["meeting:lanternfish_core.2024-02-13-16.00"] == MEETING + "log#l-12"
    assert outgoing["github:lanternfish/lanternfish#82"] == "/refs/github:lanternfish/lanternfish%2382"


def test_a_review_page_gathers_its_discussion_and_every_mention(sample_client: FlaskClient) -> None:
    soup = page(sample_client, REVIEW)
    thread = soup.find("a", string="read the thread")
    assert thread is not None and sample_client.get(thread["href"]).status_code == 200
    mentions = [li.select_one("a").get_text() for li in soup.select("#ref-in-h ~ ul > li")]
    assert mentions == ["lanternfish_core", "Agenda: lanternfish_core meeting, Tuesday 9 April, 16:00 UTC"]
    assert soup.h1.get_text() == "[review.lanternfish.example/4790] Add RELEASING.md: the release checklist"
    timeline = [" ".join(li.get_text().split()) for li in soup.select("ol.timeline li")]
    assert len(timeline) == 8 and timeline[0].startswith("2024-03-20: Priya Raman in its discussion")
    assert any(entry.startswith("2024-03-26: mentioned in lanternfish_core (meeting, line 8)") for entry in timeline)
    twin = sample_client.get("/api" + REVIEW).get_json()
    assert twin["target"] == ["review", "gerrit:review.lanternfish.example/4790"]
    assert [view["link"]["source_kind"] for view in twin["links"]["incoming"]] == ["meeting", "message"]


def test_a_key_nothing_holds_still_lists_its_mentions(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/refs/github:lanternfish/lanternfish%2388")
    assert "Not in this archive" in soup.select_one("p.stats").get_text()
    assert len(soup.select("#ref-in-h ~ ul > li")) == 3  # two threads of lanternfish-dev, one message twice
    assert "Nothing in the archive mentions it" in page(sample_client, "/refs/github:nobody/nothing%231").get_text()
