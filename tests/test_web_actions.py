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


def test_actions_are_tracked_through_later_meetings_and_messages(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/actions/")
    assert texts(soup) == ["priya to draft the release checklist", "kenji to set up branch protection for release branches",
                           "Alice to merge GOVERNANCE.md and announce it on lanternfish-announce",
                           "priya to address Kenji's review on 4790 and merge it",
                           "zoe and dmitri to bisect the arm64 compaction failure"]
    rows = soup.select("li.hit")
    assert [row.select_one(".kind").get_text() for row in rows] == ["done", "open", "open", "open", "open"]
    assert "done, says lanternfish_core meeting of 2024-03-26, line 11" in rows[0].get_text(" ", strip=True)
    assert "carried over 2 times (last in lanternfish_core meeting of 2024-03-26" in " ".join(rows[1].get_text(" ").split())
    first = rows[0].select(".meta a")[1]["href"]
    assert first == "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/log#l-20"
    assert "4 open · 1 done" in soup.select_one("p.stats").get_text()


def test_actions_filter_by_owner_and_series(sample_client: FlaskClient) -> None:
    assert texts(page(sample_client, "/actions/?owner=Priya")) == [
        "priya to draft the release checklist", "priya to address Kenji's review on 4790 and merge it"]
    from_meetings = page(sample_client, "/actions/?series=lanternfish_core")
    assert len(texts(from_meetings)) == 4
    assert from_meetings.select_one("#f-series option[selected]")["value"] == "lanternfish_core"
    data = sample_client.get("/api/actions/?owner=alice").get_json()
    assert [t["item"]["text"] for t in data["actions"]] == ["Alice to merge GOVERNANCE.md and announce it on lanternfish-announce"]


def test_decision_log_newest_first_and_by_words(sample_client: FlaskClient) -> None:
    decisions = texts(page(sample_client, "/decisions/"))
    assert decisions[0] == "v3 page layout lands in 0.10 behind a format flag"
    assert "GOVERNANCE.md is adopted, with 4 binding +1 and 1 binding -1" in decisions
    assert texts(page(sample_client, "/decisions/?q=python+3.8")) == [
        "we drop Python 3.8 support in 0.9",
        "We drop Python 3.8 support in 0.9; the 0.8.x branch keeps testing on 3.8 until 0.10 is released"]
    assert texts(page(sample_client, "/decisions/?year=2023")) == []


def test_each_decision_links_to_the_discussion_that_led_to_it(sample_client: FlaskClient) -> None:
    rows = page(sample_client, "/decisions/?q=python+3.8").select("li.hit")
    meeting = {a.get_text(): a["href"] for a in rows[1].select(".meta a")}
    assert meeting["the discussion, from its topic"].startswith("/meetings/lanternfish_core/")
    topic_line = int(meeting["the discussion, from its topic"].split("#l-")[1])
    decided_line = int(next(href for text, href in meeting.items() if "line" in text).split("#l-")[1])
    assert topic_line < decided_line
    thread = {a.get_text(): a["href"] for a in rows[0].select(".meta a")}["the discussion (thread)"]
    assert thread.startswith("/t/") and sample_client.get(thread).status_code == 200


def test_feeds_of_a_persons_action_items_and_of_the_decision_log(sample_client: FlaskClient) -> None:
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    mine = ET.fromstring(sample_client.get("/actions/atom?owner=priya").data)
    assert mine.findtext(f"{atom}title") == "Action items of priya"
    assert [e.findtext(f"{atom}title") for e in mine.iter(f"{atom}entry")] == [
        "[open] priya to address Kenji's review on 4790 and merge it", "[done] priya to draft the release checklist"]
    link = next(mine.iter(f"{atom}entry")).find(f"{atom}link").get("href")
    assert link.endswith("/meetings/lanternfish_core/lanternfish_core.2024-03-26-16.00/log#l-10")
    log = ET.fromstring(sample_client.get("/decisions/atom").data)
    titles = [e.findtext(f"{atom}title") for e in log.iter(f"{atom}entry")]
    assert titles[0] == "v3 page layout lands in 0.10 behind a format flag" and len(titles) == 7
    assert page(sample_client, "/actions/?owner=priya").select_one('link[type="application/atom+xml"]')["href"] == \
        "/actions/atom?owner=priya"


def prose_client(tmp_path_factory: object) -> FlaskClient:
    """Return a client of an archive of the prose minutes and their follow-up."""
    from tests.conftest import DATA, client_on, imported

    directory = tmp_path_factory.mktemp("prose")  # type: ignore[attr-defined]
    imported(directory, ([DATA / "minutes-prose" / "minutes.mbox"], "storage-dev"),
             ([DATA / "items" / "followup.mbox"], "storage-dev"))
    return client_on(directory)


def test_prose_minutes_actions_filter_by_status_and_list_and_show_due_dates(tmp_path_factory: object) -> None:
    client = prose_client(tmp_path_factory)
    soup = page(client, "/actions/?status=dropped")
    assert texts(soup) == ["pair on the v4 migration tool"]
    assert "43 open · 1 done · 1 dropped" in " ".join(soup.select_one("p.stats").get_text().split())
    policy = page(client, "/actions/?status=done&list=storage-dev").select_one("li.hit")
    assert "due 2024-03-15" in " ".join(policy.get_text().split())
    assert "(prose: NAME agreed to)" in policy.get_text()
    assert texts(page(client, "/actions/?list=no-such-list")) == []
    # An owner who posts to the list is a person: the name links to her page, which lists her items.
    mei = page(client, "/actions/?owner=mei-lin")
    link = mei.select_one("li.hit .meta a")
    assert (link.get_text(), link["href"]) == ("Mei Lin", "/people/mei-lin/")
    person = page(client, "/people/mei-lin/").get_text(" ")
    assert "chair the next community call" in " ".join(person.split())


def test_due_dates_as_an_icalendar_feed(tmp_path_factory: object) -> None:
    from icalendar import Calendar

    client = prose_client(tmp_path_factory)
    response = client.get("/actions/calendar.ics?owner=Jane+Okafor")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.get_data()).walk("VEVENT")
    summaries = {str(event["summary"]): event.decoded("dtstart").isoformat() for event in events}
    assert summaries["[done] draft the new release policy and post it to the list"] == "2024-03-15"
    assert all("Jane Okafor" in str(event["description"]) for event in events)
    assert str(events[0]["url"]).startswith("http://localhost/m/")


def test_a_mark_shows_who_closed_an_action_and_why(tmp_path_factory: object) -> None:
    from archive import items, settings
    from tests.conftest import DATA, client_on, imported

    directory = imported(tmp_path_factory.mktemp("marked"),  # type: ignore[attr-defined]
                         ([DATA / "minutes-prose" / "minutes.mbox"], "storage-dev"))
    engine = settings.engine_for(settings.data_dir(directory))
    with engine.connect() as conn:
        chair = next(t for t in items.tracked_actions(conn) if t.item.text == "chair the next community call")
    items.mark_action(engine, chair.item.item_id, "dropped", by="Jane Okafor", note="the call is cancelled")
    engine.dispose()
    client = client_on(directory)
    row = " ".join(page(client, "/actions/?status=dropped").select_one("li.hit").get_text().split())
    assert "chair the next community call" in row
    assert "marked dropped by Jane Okafor on" in row and "“the call is cancelled”" in row
    person = page(client, "/people/mei-lin/")
    dropped = person.select_one("#actions-dropped-h").find_parent("section").get_text(" ")
    assert "chair the next community call" in dropped and "marked dropped by Jane Okafor" in " ".join(dropped.split())


def test_a_prose_minutes_message_shows_what_was_read_from_it(tmp_path_factory: object) -> None:
    client = prose_client(tmp_path_factory)
    soup = page(client, "/m/minutes-1@example.org/")
    read = soup.select_one("#minutes-h").find_parent("section")
    text = " ".join(read.get_text(" ").split())
    assert "Jane Okafor, Ravi Menon, Mei Lin, Tomasz Kowalski, Lars Nilsson" in text
    assert "Release cadence" in text and "decision move to a six-month cadence starting with 3.0" in text
    assert "draft the new release policy and post it to the list Jane Okafor · due 2024-03-15" in text
    twin = client.get("/api/m/minutes-1@example.org/").get_json()
    assert twin["minutes"]["attendees"][0] == "Jane Okafor"
    assert "minutes-h" not in client.get("/m/followup-1@example.org/").get_data(as_text=True)  # not minutes
