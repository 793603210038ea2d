"""Remembered aggregates are recomputed when, and only when, the archive changes."""

from __future__ import annotations

from pathlib import Path

from archive import memo, settings, store
from ingest.message import parse_message

RAW = b"From: A <a@example.org>\nSubject: hi\nMessage-ID: <%d@example.org>\nDate: Mon, 04 Mar 2024 09:00:00 +0000\n\nx\n"


def test_remembered_until_a_message_arrives(tmp_path: Path) -> None:
    engine = settings.engine_for(settings.data_dir(tmp_path))
    calls: list[int] = []

    def count(conn: object) -> int:
        calls.append(1)
        return len(calls)

    with engine.begin() as conn:
        assert memo.remembered(conn, "test", count) == 1
        assert memo.remembered(conn, "test", count) == 1
        store.add_messages(conn, [store.prepare_message(parse_message(RAW % 1), "a.mbox", 0)], "one")
        assert memo.remembered(conn, "test", count) == 2
        assert memo.remembered(conn, "other", count) == 3
