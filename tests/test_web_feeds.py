"""Atom feeds of a list and a thread, and gzip mboxrd exports of a thread and a month."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

from flask.testing import FlaskClient

from archive.models import RawItem
from ingest.mbox import iter_mbox
from tests.test_web_lists import dev_months, page

ATOM = "{http://www.w3.org/2005/Atom}"
CADENCE = "0986b017ad37"


def feed(client: FlaskClient, url: str) -> ET.Element:
    """Fetch an Atom feed and return its parsed root (parsing fails on invalid XML)."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def exported(client: FlaskClient, url: str, tmp_path: Path) -> list[bytes]:
    """Download a .mbox.gz export and read it back with Minutebook's own strict mboxrd reader."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    path = tmp_path / "export.mbox.gz"
    path.write_bytes(response.data)
    assert gzip.decompress(response.data).startswith(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n")
    return [item.raw for item in iter_mbox(path) if isinstance(item, RawItem)]


def test_list_feed_has_the_newest_messages_with_permalinks(sample_client: FlaskClient) -> None:
    root = feed(sample_client, "/l/lanternfish-dev/atom")
    assert root.findtext(f"{ATOM}title") == "lanternfish-dev"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == sum(dev_months().values()) == 34
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.startswith("http://localhost/m/")
    assert sample_client.get(link.removeprefix("http://localhost")).status_code == 200
    assert "@" not in (entries[0].findtext(f"{ATOM}author/{ATOM}name") or "")


def test_thread_feed(sample_client: FlaskClient) -> None:
    root = feed(sample_client, f"/t/{CADENCE}/atom")
    assert root.findtext(f"{ATOM}title") == "Proposal: release cadence for 0.9"
    assert len(root.findall(f"{ATOM}entry")) == 7
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"][0]
    assert self_link.get("href") == f"http://localhost/t/{CADENCE}/atom"


def test_feed_is_valid_xml_with_control_characters(web_client: FlaskClient) -> None:
    threads = web_client.get("/api/l/web/").get_json()["threads"]
    hostile = [t for t in threads if "friends" in t["subject"]][0]
    root = feed(web_client, hostile["url"] + "atom")
    texts = " ".join(e.findtext(f"{ATOM}content") or "" for e in root.findall(f"{ATOM}entry"))
    assert "bell , escape , vertical tab ." in texts
    assert any("<script>" in (e.findtext(f"{ATOM}title") or "") for e in root.findall(f"{ATOM}entry"))
    assert feed(web_client, "/l/web/atom").findall(f"{ATOM}entry")


def test_thread_export_round_trips_through_mboxrd(sample_client: FlaskClient, tmp_path: Path) -> None:
    soup = page(sample_client, "/l/lanternfish-dev/")
    url = soup.find("a", string="Re: CI: test_compaction_under_load is flaky on arm64")["href"]
    thread = sample_client.get("/api" + url).get_json()["thread"]
    raws = exported(sample_client, f"/t/{thread['summary']['thread_id']}.mbox.gz", tmp_path)
    assert len(raws) == thread["summary"]["messages"] == 3
    # Kenji's body line "From the CI logs" is escaped in the export and unescaped on reading.
    assert any(b"\nFrom the CI logs" in raw for raw in raws)
    for raw in raws:
        mid = raw.split(b"Message-ID: <", 1)[1].split(b">", 1)[0].decode()
        assert sample_client.get(f"/m/{mid}/raw").data == raw


def test_month_export(sample_client: FlaskClient, tmp_path: Path) -> None:
    raws = exported(sample_client, "/l/lanternfish-dev/2024/03.mbox.gz", tmp_path)
    assert len(raws) == dev_months()[(2024, 3)]
    assert sample_client.get("/l/lanternfish-dev/2023/03.mbox.gz").status_code == 404
    assert sample_client.get("/l/nowhere/2024/03.mbox.gz").status_code == 404


def test_exports_and_feeds_of_a_merged_thread_redirect(web_client: FlaskClient) -> None:
    from archive.threads import thread_id_for

    old, new = thread_id_for("second@example.org"), thread_id_for("first@example.org")
    assert web_client.get(f"/t/{old}.mbox.gz").headers["Location"] == f"/t/{new}.mbox.gz"
    assert web_client.get(f"/t/{old}/atom").headers["Location"] == f"/t/{new}/atom"
    assert web_client.get("/t/0000000000ff.mbox.gz").status_code == 404
    assert web_client.get("/t/0000000000ff/atom").status_code == 404
