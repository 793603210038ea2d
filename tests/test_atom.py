"""Atom feeds are valid XML whatever the messages hold."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from archive.atom import feed_xml, xml_safe
from archive.models import Address, MessageView

ATOM = "{http://www.w3.org/2005/Atom}"


def message(subject: str, body: str, date: datetime | None) -> MessageView:
    return MessageView("m@example.org", 1, subject, Address("Ann Lee", "ann@example.org"), date, 60, body=body)


def test_control_characters_are_dropped() -> None:
    assert xml_safe("a\x00b\x07c\x1bd\x0be\tf\ng\ufffeh\ud800i") == "abcde\tf\ngh" + "i"


def test_feed_with_hostile_text_parses() -> None:
    when = datetime(2024, 3, 4, 9, 0, tzinfo=timezone.utc)
    xml = feed_xml(
        title="list\x01", feed_url="http://x.example/l/a/atom", page_url="http://x.example/l/a/",
        messages=[message("bell\x07 <b>&", "write to ann@example.org\x1b", when), message("", "", None)],
        permalink=lambda m: "http://x.example/m/" + m.message_id + "/", show_addresses=False,
    )
    root = ET.fromstring(xml)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["bell <b>&", "(no subject)"]
    assert entries[0].findtext(f"{ATOM}content") == "write to a…@example.org"
    assert entries[0].find(f"{ATOM}author/{ATOM}email") is None
    assert entries[0].findtext(f"{ATOM}published") == "2024-03-04T09:00:00+00:00"
    assert root.findtext(f"{ATOM}updated") == "2024-03-04T09:00:00+00:00"


def test_shown_addresses_appear_in_the_author() -> None:
    xml = feed_xml(title="t", feed_url="u", page_url="p", messages=[message("s", "b", None)],
                   permalink=lambda m: "urn:x", show_addresses=True)
    assert ET.fromstring(xml).findtext(f"{ATOM}entry/{ATOM}author/{ATOM}email") == "ann@example.org"
