"""The lists area: the front page, a list's threads and a month, each with its JSON twin."""

from __future__ import annotations

import email
import email.message
import email.utils
import re
from collections import Counter
from datetime import timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.conftest import EXAMPLES, client_on

DEV = EXAMPLES / "lanternfish-dev.mbox"


def page(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    """Fetch url, check its status and return the parsed HTML."""
    response = client.get(url)
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "text/html"
    return BeautifulSoup(response.data, "html.parser")


def dev_messages() -> list[email.message.Message]:
    """Return lanternfish-dev's messages, split at its separator lines without Minutebook's reader."""
    chunks = re.split(rb"^From mboxrd@z .*\n", DEV.read_bytes(), flags=re.MULTILINE)
    return [email.message_from_bytes(chunk) for chunk in chunks if chunk.strip()]


def dev_months() -> Counter[tuple[int, int]]:
    """Count lanternfish-dev's messages per UTC month straight from the Date headers of the mbox."""
    months: Counter[tuple[int, int]] = Counter()
    for message in dev_messages():
        date = email.utils.parsedate_to_datetime(message["Date"]).astimezone(timezone.utc)
        months[(date.year, date.month)] += 1
    return months


def test_front_page_lists_every_list_with_counts_and_a_chart(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/")
    cards = {card.h2.get_text(strip=True): card for card in soup.select("li.card")}
    assert list(cards) == ["lanternfish-announce", "lanternfish-dev", "lanternfish-users", "reviews"]
    assert "6 messages in 1 thread" in cards["reviews"].get_text()  # the Gerrit change, imported as a thread
    # Counts as the sample's README states them.
    assert "34 messages in 8 threads" in cards["lanternfish-dev"].get_text()
    assert "11 messages in 4 threads" in cards["lanternfish-users"].get_text()
    assert "4 messages in 3 threads" in cards["lanternfish-announce"].get_text()
    chart = cards["lanternfish-dev"].find("svg")
    assert chart["role"] == "img" and "2024-01 to 2024-04" in chart["aria-label"]
    assert len(chart.find_all("rect")) == len(dev_months())
    latest = cards["lanternfish-dev"].select_one(".latest a")
    assert latest.get_text() == "Agenda: lanternfish_core meeting, Tuesday 9 April, 16:00 UTC"


def test_front_page_json_twin(sample_client: FlaskClient) -> None:
    data = sample_client.get("/api/").get_json()
    dev = next(item for item in data["lists"] if item["name"] == "lanternfish-dev")
    assert (dev["messages"], dev["threads"], dev["url"]) == (34, 8, "/l/lanternfish-dev/")
    assert {(m["year"], m["month"]): m["messages"] for m in dev["months"]} == dev_months()
    assert dev["first"] == "2024-01-08T17:14:22+00:00"


def test_empty_archive_says_how_to_import(client: FlaskClient) -> None:
    assert "minutebook ingest" in page(client, "/").get_text()


def test_list_page_newest_activity_first_with_a_month_picker(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/l/lanternfish-dev/")
    assert soup.h1.get_text() == "lanternfish-dev"
    subjects = [a.get_text() for a in soup.select("li.thread a.subject")]
    assert len(subjects) == 8
    assert subjects[0] == "Agenda: lanternfish_core meeting, Tuesday 9 April, 16:00 UTC"
    picker = {a["href"]: int(a.get_text()) for a in soup.select("table.months a")}
    assert picker == {f"/l/lanternfish-dev/{y}/{m:02d}/": n for (y, m), n in dev_months().items()}
    assert soup.find("link", type="application/atom+xml")["href"] == "/l/lanternfish-dev/atom"


def test_list_page_json_twin(sample_client: FlaskClient) -> None:
    data = sample_client.get("/api/l/lanternfish-users/").get_json()
    assert (data["page"], data["pages"]) == (1, 1)
    assert data["overview"]["name"] == "lanternfish-users"
    assert [t["subject"] for t in data["threads"]][-1] == "Installing on Apple Silicon: ld: library not found for -lzstd"
    starter = data["threads"][-1]["starter"]
    assert starter["name"] == "Grace Liu" and starter["email"] == "gra…@example.com"


@pytest.mark.parametrize("url, status", [
    ("/l/no-such-list/", 404),
    ("/l/lanternfish-dev/?page=2", 404),
    ("/l/lanternfish-dev/?page=0", 400),
    ("/l/lanternfish-dev/?page=abc", 400),
    ("/l/lanternfish-dev/2024/13/", 404),
    ("/l/lanternfish-dev/2023/12/", 404),
    ("/l/lanternfish-dev/2024/1/", 404),
    ("/l/lanternfish-dev/2024/01/?sort=size", 400),
])
def test_bad_addresses_are_error_pages_not_tracebacks(sample_client: FlaskClient, url: str, status: int) -> None:
    soup = page(sample_client, url, status)
    assert soup.h1.get_text().startswith(str(status))
    assert soup.find("main") and "Traceback" not in soup.get_text()
    twin = sample_client.get("/api" + url)
    assert twin.status_code == status and twin.get_json()["status"] == status


def month_subjects(client: FlaskClient, sort: str) -> list[str]:
    soup = page(client, f"/l/lanternfish-dev/2024/03/?sort={sort}")
    return [a.get_text() for a in soup.select("li.thread a.subject")]


def test_month_page_has_the_four_pipermail_orders(sample_client: FlaskClient) -> None:
    by_date = month_subjects(sample_client, "date")
    assert sorted(by_date) == sorted(month_subjects(sample_client, "subject"))
    assert month_subjects(sample_client, "subject") == sorted(by_date, key=str.casefold)
    # The vote thread has all six of its messages in March; the other two threads have three.
    assert month_subjects(sample_client, "activity")[0] == "[VOTE] Call for votes: adopt GOVERNANCE.md"
    soup = page(sample_client, "/l/lanternfish-dev/2024/03/?sort=author")
    starters = [row.select_one(".meta a").get_text() for row in soup.select("li.thread")]
    assert starters == sorted(starters, key=str.casefold)
    assert soup.select_one(".tabs a[aria-current]").get_text() == "By author"


def test_month_page_counts_and_neighbours(sample_client: FlaskClient) -> None:
    soup = page(sample_client, "/l/lanternfish-dev/2024/02/")
    assert soup.h1.get_text() == "lanternfish-dev: February 2024"
    assert f"{dev_months()[(2024, 2)]} messages" in soup.select_one(".stats").get_text()
    assert soup.find("a", rel="prev")["href"] == "/l/lanternfish-dev/2024/01/"
    assert soup.find("a", rel="next")["href"] == "/l/lanternfish-dev/2024/03/"
    assert soup.find("a", string="Download as mbox")["href"] == "/l/lanternfish-dev/2024/02.mbox.gz"
    crumbs = [a.get_text() for a in soup.select("nav.crumbs a")]
    assert crumbs == ["Lists", "lanternfish-dev", "February 2024"]


def test_month_page_json_twin(sample_client: FlaskClient) -> None:
    data = sample_client.get("/api/l/lanternfish-dev/2024/01/?sort=activity").get_json()
    assert (data["year"], data["month"], data["sort"]) == (2024, 1, "activity")
    assert data["messages"] == dev_months()[(2024, 1)] == sum(t["messages"] for t in data["threads"])
    assert data["previous"] is None and data["next"]["month"] == 2
    counts = [t["messages"] for t in data["threads"]]
    assert counts == sorted(counts, reverse=True)


def test_a_cross_posted_message_is_in_both_lists(web_client: FlaskClient) -> None:
    for name in ("web", "other"):
        soup = page(web_client, f"/l/{name}/2024/03/")
        assert "Posted to two lists" in [a.get_text() for a in soup.select("li.thread a.subject")]


def test_real_archive_month_counts_add_up(fedora_dir: Path) -> None:
    data = client_on(fedora_dir).get("/api/l/fedora-devel/").get_json()
    # SOURCES.md: 292 messages, all sent 2010-01-01 to 2010-01-09 (some still 2009 in UTC).
    assert sum(m["messages"] for m in data["overview"]["months"]) == 292
    assert {(m["year"], m["month"]) for m in data["overview"]["months"]} <= {(2009, 12), (2010, 1)}
    assert data["pages"] == 2 and len(data["threads"]) == 50
