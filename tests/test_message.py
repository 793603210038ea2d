"""Tests for ingest.message: real edge-case mail and small hand-written messages."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from archive.errors import MessageRejected, NotFound
from archive.models import Address, Attachment, Message
from ingest.message import MAX_BYTES, attachment_bytes, parse_message

DATA = Path(__file__).parent / "data" / "message"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
HYPERKITTY = CORPORA / "hyperkitty-testdata"
HYPERKITTY_FILES = sorted(p.name for p in HYPERKITTY.glob("*.txt")) if HYPERKITTY.is_dir() else []


def utc(*fields: int) -> datetime:
    """Return a UTC datetime."""
    return datetime(*fields, tzinfo=timezone.utc)


def fixture(name: str) -> bytes:
    """Return the bytes of one hand-written message."""
    return (DATA / name).read_bytes()


def hyperkitty(name: str) -> Message:
    """Parse one of HyperKitty's test messages, skipping when the corpus is absent."""
    if not HYPERKITTY.is_dir():
        pytest.skip(f"shared corpus not found at {HYPERKITTY} (only the dev workspace has it)")
    return parse_message((HYPERKITTY / name).read_bytes())


@pytest.mark.parametrize("name", HYPERKITTY_FILES or ["(corpus absent)"])
def test_every_hyperkitty_message_parses(name: str) -> None:
    message = hyperkitty(name)
    assert message.message_id and " " not in message.message_id and "<" not in message.message_id
    assert message.content_hash == hashlib.sha256(message.raw).hexdigest()
    assert message.date is not None and message.date.tzinfo is not None
    assert "\r" not in message.body
    assert all(ord(char) >= 32 for char in message.subject)


def test_hyperkitty_corpus_is_complete() -> None:
    if not HYPERKITTY.is_dir():
        pytest.skip(f"shared corpus not found at {HYPERKITTY}")
    assert len(HYPERKITTY_FILES) == 24  # SOURCES.md: 24 single messages


def test_multipart_alternative_keeps_text_and_drops_html_twin() -> None:
    message = hyperkitty("another-wrong-encoding.txt")
    assert message.subject == "[Mailman-Developers] Questionnaire For My Project"
    assert message.sender == Address("Some One", "zzz@cse.unl.edu")
    assert message.to == (Address("", "mailman-developers@python.org"),)
    assert message.date == utc(1999, 11, 9, 2, 53, 5) and message.utc_offset_minutes == -360
    assert "Questionnaire for Open Source Testing" in message.body
    assert not message.body_from_html and message.attachments == ()


def test_attachment_1_lists_the_vcard_and_shows_the_list_footer() -> None:
    message = hyperkitty("attachment-1.txt")
    assert message.sender == Address("gil", "puntogil@libero.it")
    assert message.body.startswith("This is a test message.")
    assert "devel mailing list" in message.body  # Mailman's footer, an inline text part
    assert [(a.part_index, a.filename, a.content_type) for a in message.attachments] == [
        (2, "puntogil.vcf", "text/x-vcard")]
    name, ctype, data = attachment_bytes(message.raw, 2)
    assert (name, ctype) == ("puntogil.vcf", "text/x-vcard")
    assert data.startswith(b"begin:vcard") and message.attachments[0].size == len(data)


@pytest.mark.parametrize("name, filename, ctype, start", [
    ("attachment-2.txt", "signature.asc", "application/pgp-signature",
     b"-----BEGIN PGP SIGNATURE-----"),
    ("attachment-3.txt", "webpage.txt", "text/plain", b"HTTPError at /mailman3/"),
    ("attachment-4.txt", "bogus.txt", "text/plain", b"All votes are reported"),
])
def test_attachments_are_listed_and_retrievable(name: str, filename: str, ctype: str,
                                                start: bytes) -> None:
    message = hyperkitty(name)
    assert "Mailman 3" in message.body
    (attachment,) = message.attachments
    assert (attachment.filename, attachment.content_type) == (filename, ctype)
    got_name, got_type, data = attachment_bytes(message.raw, attachment.part_index)
    assert (got_name, got_type) == (filename, ctype)
    assert data.startswith(start) and attachment.size == len(data)


def test_bad_content_type_part_is_an_attachment() -> None:
    message = hyperkitty("bad_content_type.txt")
    assert message.body.strip() == "Some text"
    assert [a.content_type for a in message.attachments] == ["binary/octet-stream"]


def test_broken_encoded_word_in_subject_is_decoded_leniently() -> None:
    message = hyperkitty("bad-subject-header.txt")
    assert message.subject.startswith("(et en plus, en local")
    assert "=?" not in message.subject


def test_impossible_time_zone_uses_the_zone_comment() -> None:
    message = hyperkitty("bad_date_tz.txt")  # "23:56:33 -3000 (CST)"
    assert message.date == utc(1999, 12, 1, 5, 56, 33) and message.utc_offset_minutes == -360
    assert not message.date_uncertain
    assert any("time zone" in defect for defect in message.defects)


def test_encoded_words_across_folded_lines() -> None:
    message = hyperkitty("bad_folding.txt")
    assert message.subject.startswith("[<redacted>]  Sicherheit 2005: Stichworte und Vorschlag")
    assert message.subject.endswith("PC-Mitglieder;  Ergänzung!")  # its =0D became a space


def test_html_alternative_is_not_an_attachment() -> None:
    message = hyperkitty("html-email-1.txt")
    assert message.sender == Address("Yves Lecourt", "lecourty@club-internet.fr")
    assert message.to == (Address("ecologeeks", "ecologeeks@listes.eelv.fr"),)
    assert "Non-ASCII chars: réponse français" in message.body
    assert not message.body_from_html and message.attachments == ()


def test_html_only_mail_becomes_text_and_keeps_the_html_as_a_file() -> None:
    message = hyperkitty("html-email-2.txt")
    assert message.body_from_html
    assert message.body.startswith("Bonjour,\n\nVous connaissez ?")
    assert "voici des explications en français" in message.body
    assert "The blog : http://blogactionday.org/" in message.body
    assert message.body.rstrip().endswith("Amicalement\n\nYves")
    for leftover in ("<p", "<html", "font-family", "MsoNormal", "&nbsp;", "mso-"):
        assert leftover not in message.body
    (html,) = message.attachments
    assert (html.part_index, html.content_type) == (1, "text/html")
    assert b"<html" in attachment_bytes(message.raw, 1)[2]


def test_html_only_mail_in_unknown_charset() -> None:
    message = hyperkitty("unknown-charset.txt")
    assert message.body_from_html
    assert "We believe ordering medication should be as simple" in message.body
    assert "<" not in message.body and "rxspecials" not in message.body  # the <title>
    assert any("iso-0646-6" in defect for defect in message.defects)


def test_non_ascii_date_header_is_read_leniently() -> None:
    message = hyperkitty("non-ascii-date-header.txt")  # "Date: \xbc\xf6, 27 6 2001 15:23:36"
    assert message.date == utc(2001, 6, 27, 15, 23, 36)
    assert message.subject == "Bad Date"


def test_pipermail_sender_with_encoded_name() -> None:
    message = hyperkitty("non-ascii-headers.txt")
    assert message.sender == Address("Vít Ondruch", "vondruch@redhat.com")
    assert message.date == utc(2012, 7, 10, 11, 29, 44) and message.utc_offset_minutes == 120


def test_wrong_utf8_payload_is_replaced_not_fatal() -> None:
    message = hyperkitty("payload-utf8-wrong.txt")
    assert message.body.startswith("diff --cc public_html/nl-NL/")
    assert "\ufffd" in message.body
    assert any("utf-8" in defect for defect in message.defects)


def test_pipermail_scrubbed_attachment_stub() -> None:
    message = hyperkitty("pipermail_nextpart.txt")
    assert message.attachments == (Attachment(-1, "signature.asc", "application/pgp-signature", 190),)
    assert "A non-text attachment was scrubbed..." in message.body  # the stub stays readable


def test_resent_date_when_date_is_missing() -> None:
    message = hyperkitty("resent-date.txt")  # "should be archived with date 8 Nov 1999"
    assert message.date == utc(1999, 11, 9, 2, 53, 5)  # Mon, 8 Nov 1999 20:53:05 -0600
    assert message.date_uncertain


def test_unix_from_line_dates_a_message_without_date() -> None:
    message = hyperkitty("unixfrom-date.txt")  # "should be archived with date 9 Nov 1999"
    assert message.date == utc(1999, 11, 9, 21, 54, 11)
    assert message.date_uncertain and message.utc_offset_minutes is None


@pytest.mark.parametrize("name, parent", [
    ("strange-in-reply-to-header.txt", "200704070053.46646.other.person@example.com"),
    ("wrong-in-reply-to-header.txt", "200704070053.46646.other.person@example"),
])
def test_broken_in_reply_to(name: str, parent: str) -> None:
    message = hyperkitty(name)
    assert message.in_reply_to == parent
    assert message.sender == Address("Dummy Person", "test@example.com")
    assert message.body.endswith("Dummy person's reply\n")


def test_unparseable_content_type_is_served_as_octet_stream() -> None:
    message = hyperkitty("unconvertable_msg-2.txt")
    assert message.generated_id and message.date == utc(2014, 1, 2, 15, 55, 51)
    assert [a.content_type for a in message.attachments] == ["application/octet-stream"]


def test_rfc2231_garbage_charset_still_gives_the_body() -> None:
    message = hyperkitty("unconvertable_message.txt")
    assert "...[very slow list]..." in message.body


def test_rfc2047_headers_and_threading_ids() -> None:
    message = parse_message(fixture("rfc2047-subject.eml"))
    assert message.subject == "[RFC] Proposal: été meeting — agenda"
    assert message.sender == Address("René Lefèvre", "rene@example.org")
    assert message.to == (Address("Tierney, Luke", "luke@example.edu"),
                          Address("Jörg", "joerg@example.de"))
    assert message.cc == (Address("", "list@example.org"),)
    assert message.message_id == "rfc2047.1@example.org"
    assert message.in_reply_to == "parent@example.org"
    assert message.references == ("root@example.org", "parent@example.org")  # deduped, no self
    assert message.date == utc(2024, 3, 5, 9, 15) and message.utc_offset_minutes == 60
    assert message.body == "Let's meet in the café.\nSecond line.\n"
    assert message.defects == ()


def test_missing_message_id_is_generated_from_the_content() -> None:
    raw = fixture("no-message-id.eml")
    first, second = parse_message(raw), parse_message(raw)
    assert first.generated_id and first.message_id == second.message_id
    assert first.message_id == hashlib.sha256(raw).hexdigest()[:32] + "@minutebook.generated"
    assert parse_message(raw + b"\nP.S.\n").message_id != first.message_id


def test_date_falls_back_to_received() -> None:
    message = parse_message(fixture("no-date-received.eml"))
    assert message.date == utc(2024, 3, 5, 14, 0) and message.utc_offset_minutes == -300
    assert message.date_uncertain


def test_date_falls_back_to_envelope_then_archive_month() -> None:
    raw = fixture("no-date.eml")
    envelope = "From ada@example.org Wed Mar  6 08:30:00 2024"
    by_envelope = parse_message(raw, envelope=envelope, archive_month=(2024, 2))
    assert by_envelope.date == utc(2024, 3, 6, 8, 30) and by_envelope.date_uncertain
    by_month = parse_message(raw, archive_month=(2024, 2))
    assert by_month.date == utc(2024, 2, 1) and by_month.date_uncertain
    undated = parse_message(raw)
    assert undated.date is None and undated.date_uncertain


def test_absurd_date_is_replaced_by_the_next_fallback() -> None:
    raw = b"Date: Thu, 01 Jan 1970 00:00:00 +0000\n" + fixture("no-date.eml")
    message = parse_message(raw, archive_month=(2019, 4))
    assert message.date == utc(2019, 4, 1) and message.date_uncertain
    future = parse_message(b"Date: Fri, 01 Jan 2106 00:00:00 +0000\n" + fixture("no-date.eml"))
    assert future.date_uncertain


def test_pipermail_obfuscated_sender() -> None:
    message = parse_message(fixture("pipermail-obfuscated.txt"))
    assert message.sender == Address("Jane Döe", "jane.doe@example.org")


def test_html_mail_scripts_never_reach_the_body() -> None:
    message = parse_message(fixture("html-script.eml"))
    assert message.body_from_html
    for leftover in ("alert", "stolen cookies", "injected", "color: red", "Ignored title",
                     "<p>", "<script", "javascript:"):
        assert leftover not in message.body
    assert "link to the minutes <https://example.org/minutes>." in message.body
    assert "Second paragraph,\non two lines." in message.body
    assert "  indented\n    code" in message.body  # <pre> keeps its layout
    assert "click and https://example.org/" in message.body


def test_too_deep_mime_nesting_is_rejected() -> None:
    with pytest.raises(MessageRejected, match="nesting"):
        parse_message(fixture("deep-nesting.eml"))


def test_too_many_parts_is_rejected() -> None:
    parts = b"".join(b"--b\nContent-Type: text/plain\n\npart\n" for _ in range(501))
    raw = b'Content-Type: multipart/mixed; boundary="b"\n\n' + parts + b"--b--\n"
    with pytest.raises(MessageRejected, match="parts"):
        parse_message(raw)


def test_oversized_message_and_header_block_are_rejected() -> None:
    with pytest.raises(MessageRejected, match="bytes"):
        parse_message(b"Subject: big\n\n" + b"x" * MAX_BYTES)
    huge_header = b"X-Junk: " + b"y" * (300 * 1024) + b"\n\nbody\n"
    with pytest.raises(MessageRejected, match="header"):
        parse_message(huge_header)


def test_references_are_capped_keeping_the_newest() -> None:
    refs = b" ".join(b"<r%d@example.org>" % number for number in range(250))
    message = parse_message(b"Message-ID: <me@example.org>\nReferences: " + refs + b"\n\nhi\n")
    assert len(message.references) == 200 and message.references[-1] == "r249@example.org"
    assert any("References" in defect for defect in message.defects)


def test_garbage_does_not_raise() -> None:
    message = parse_message(b"\x00\xff\xfe not a mail at all \x80\n\n\xff")
    assert message.generated_id and message.sender == Address("", "")


def test_attachment_bytes_of_a_missing_part() -> None:
    raw = fixture("rfc2047-subject.eml")
    with pytest.raises(NotFound):
        attachment_bytes(raw, 5)
    with pytest.raises(NotFound):
        attachment_bytes(raw, -1)  # a scrubbed pipermail stub cannot be fetched
