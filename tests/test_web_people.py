"""People pages: what one person posted, names and addresses grouped, addresses hidden by default."""

from __future__ import annotations

import email.header
import re
from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import EXAMPLES, client_on
from tests.test_web_lists import page


def from_headers() -> list[str]:
    """Return every From header of the sample, decoded, as written in the files."""
    found = []
    for path in sorted(p for p in EXAMPLES.rglob("*") if p.is_file()):
        for value in re.findall(r"^From: (.*)$", path.read_text(), flags=re.MULTILINE):
            found.append(str(email.header.make_header(email.header.decode_header(value))))
    return found


def posts_by(address: str, pipermail_form: str) -> int:
    """Count the sample's messages from address, in either its plain or its Pipermail spelling."""
    return sum(address in value or pipermail_form in value for value in from_headers())


def test_author_link_leads_to_everything_they_posted(sample_client: FlaskClient) -> None:
    thread = page(sample_client, "/t/0986b017ad37/")
    url = thread.select_one("article.msg h3 a")["href"]
    assert url == "/people/alice-wong/"
    soup = page(sample_client, url)
    assert soup.h1.get_text() == "Alice Wong"
    expected = posts_by("alice@lanternfish.example", "alice at lanternfish.example")
    assert expected == 10
    assert soup.select_one(".stats").get_text().startswith(f"{expected} messages")
    posts = "section[aria-labelledby=posts-h] ol.threads"
    assert len(soup.select(f"{posts} li")) == expected
    stamps = [t["datetime"] for t in soup.select(f"{posts} time")]
    assert stamps == sorted(stamps, reverse=True)
    lists = [a.get_text() for a in soup.select(".stats a")]
    # Alice writes in every list: the announcements, dev, and one answer in users (09-re-planner...).
    assert lists == ["lanternfish-announce", "lanternfish-dev", "lanternfish-users"]


def test_addresses_are_obfuscated_unless_shown(sample_dir: Path) -> None:
    hidden = page(client_on(sample_dir), "/people/alice-wong/")
    assert "al…@lanternfish.example" in hidden.select_one("ul.senders").get_text()
    assert "alice@lanternfish.example" not in str(hidden)
    everywhere = {"*": True}
    shown = page(client_on(sample_dir, SHOW_ADDRESSES=everywhere), "/people/alice-wong/")
    assert "alice@lanternfish.example" in shown.select_one("ul.senders").get_text()
    partly = {"lanternfish-dev": True}  # Alice also posts to announce and users, which stay hidden
    assert "alice@lanternfish.example" not in str(page(client_on(sample_dir, SHOW_ADDRESSES=partly), "/people/alice-wong/"))


def test_names_in_other_scripts_have_a_readable_key(sample_client: FlaskClient) -> None:
    thread = page(sample_client, "/l/lanternfish-dev/")
    link = thread.find("a", string="Zoë Martin")
    assert link["href"] == "/people/zo%C3%AB-martin/"
    soup = page(sample_client, link["href"])
    assert soup.h1.get_text() == "Zoë Martin"
    assert f"{posts_by('zoe.martin@example.net', 'zoe.martin at example.net')} messages" in soup.select_one(".stats").get_text()


def test_person_json_twin(sample_client: FlaskClient) -> None:
    data = sample_client.get("/api/people/kenji-sato/").get_json()
    assert data["name"] == "Kenji Sato" and data["total"] == posts_by("kenji@sato.example", "kenji at sato.example")
    assert data["senders"] == [{"name": "Kenji Sato", "email": "ke…@sato.example", "person": "kenji-sato"}]
    assert all(m["url"].startswith("/m/") for m in data["messages"])


def test_unknown_person_and_bad_pages(sample_client: FlaskClient) -> None:
    page(sample_client, "/people/nobody-at-all/", 404)
    page(sample_client, "/people/alice-wong/?page=2", 404)
    page(sample_client, "/people/alice-wong/?page=-1", 400)


def test_a_person_page_lists_their_meetings_and_action_items(sample_client: FlaskClient) -> None:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(sample_client.get("/people/priya-raman/").get_data(as_text=True), "html.parser")
    assert page.select_one("#meetings-h").get_text() == "Meetings, as priya"
    meetings = [a["href"] for a in page.select("section[aria-labelledby=meetings-h] a.subject")]
    assert meetings == ["/meetings/lanternfish_core/lanternfish_core.2024-03-26-16.00/",
                        "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/"]
    open_items = [li.contents[0].strip() for li in page.select("section[aria-labelledby=actions-open-h] li")]
    done_items = [li.contents[0].strip() for li in page.select("section[aria-labelledby=actions-done-h] li")]
    assert open_items == ["priya to address Kenji's review on 4790 and merge it"]
    assert done_items == ["priya to draft the release checklist"]  # raised 2024-02-13, done 2024-03-26
    assert "carried over 1 time, done 2024-03-26" in page.select_one("section[aria-labelledby=actions-done-h]").get_text()
    data = sample_client.get("/api/people/dmitri-volkov/").get_json()
    assert data["nicks"] == ["dmitri"] and len(data["meetings"]) == 1
    # MeetBot files "zoe and dmitri to bisect ..." under zoe alone: dmitri was not at that meeting.
    assert data["actions"] == []
    zoe = sample_client.get("/api/people/zoë-martin/").get_json()
    assert [t["item"]["text"] for t in zoe["actions"]] == ["zoe and dmitri to bisect the arm64 compaction failure"]
