"""Tests for ingest.headers: safe header decoding and Message-ID handling."""

from __future__ import annotations

import email
from email.policy import compat32

import pytest

from ingest.headers import (HeaderIndex, decode_bytes, header_text, header_texts,
                            normalise_message_id, thread_ids)


def parse(raw: bytes) -> email.message.Message:
    """Parse bytes the way ingest.message does."""
    return email.message_from_bytes(raw, policy=compat32)


def test_raw_utf8_and_latin1_header_bytes() -> None:
    msg = parse(b"Subject: caf\xc3\xa9 au lait\nX-Old: caf\xe9 cr\xe8me\n\n")
    defects: list[str] = []
    assert header_text(msg, "subject", defects) == "café au lait"
    assert defects == []  # UTF-8 in headers is allowed (RFC 6532)
    assert header_text(msg, "x-old", defects) == "café crème"
    assert defects and "windows-1252" in defects[0]


def test_unknown_charset_and_broken_base64_in_encoded_words() -> None:
    msg = parse(b"Subject: =?x-klingon?q?qapla=27?= and =?utf-8?b?%%%?= end\n\n")
    defects: list[str] = []
    assert header_text(msg, "Subject", defects) == "qapla' and =?utf-8?b?%%%?= end"
    assert any("x-klingon" in defect for defect in defects)


def test_folding_and_control_characters() -> None:
    msg = parse(b"Subject: one\n\ttwo\n  three\nX-Evil: =?utf-8?q?a=0D=0ABcc:_victim?=\n\n")
    assert header_text(msg, "subject") == "one two three"
    assert header_text(msg, "x-evil") == "a Bcc: victim"  # no header injection later


def test_index_and_message_give_the_same_first_value() -> None:
    msg = parse(b"Received: a; Mon, 1 Jan 2024 00:00:00 +0000\nreceived: b\nSubject: s\n\n")
    index = HeaderIndex(msg)
    assert header_text(index, "RECEIVED") == header_text(msg, "received") == "a; Mon, 1 Jan 2024 00:00:00 +0000"
    assert header_texts(index, "Received") == ["a; Mon, 1 Jan 2024 00:00:00 +0000", "b"]
    assert header_text(index, "missing") == ""


@pytest.mark.parametrize("text, expected", [
    ("<id@host>", "id@host"),
    ("  < id@host\n >  ", "id@host"),
    ("<id@host> (added by the list)", "id@host"),
    ("id@host (comment)", "id@host"),
    ("Other person's message of Sat <200704070053@example.com>", "200704070053@example.com"),
    ("<unclosed@example", "unclosed@example"),
    ("https://lore.kernel.org/io-uring/d346085f-8b9b@gmail.com/", "d346085f-8b9b@gmail.com"),
    ("bare-id", "bare-id"),
    ("", None),
    ("<>", None),
    ("two words", None),
])
def test_normalise_message_id(text: str, expected: str | None) -> None:
    assert normalise_message_id(text) == expected


def test_thread_ids_dedupe_and_drop_self() -> None:
    defects: list[str] = []
    parent, refs = thread_ids("<a@x> <b@x>\n <a@x> <me@x>", "<me@x>", "me@x", defects)
    assert parent is None and refs == ("a@x", "b@x")


@pytest.mark.parametrize("data, charset, expected, defect", [
    (b"plain", None, "plain", False),
    ("café".encode(), "us-ascii", "café", False),  # mislabelled UTF-8
    (b"caf\xe9 \x85", "iso-8859-1", "café …", False),  # read as windows-1252, like browsers
    ("日本".encode("gb2312"), "gb2312", "日本", False),
    ("déjà".encode(), "gb2312", "déjà", True),  # wrong label: UTF-8 wins
    (b"\xff\xfe", "utf-8", "\ufffd\ufffd", True),
    (b"ok", "iso-0646-6", "ok", True),  # unknown charset
    (b"ok", "base64", "ok", True),  # a bytes codec, not a charset
])
def test_decode_bytes_never_raises(data: bytes, charset: str | None, expected: str,
                                   defect: bool) -> None:
    defects: list[str] = []
    assert decode_bytes(data, charset, defects, "Body") == expected
    assert bool(defects) == defect
