"""Store queries on a fresh SQLite database."""

from __future__ import annotations

from pathlib import Path

from archive import settings, store
from ingest.message import parse_message

RAW = b"From: A <a@example.org>\nSubject: hi\nMessage-ID: <x@example.org>\nDate: Mon, 04 Mar 2024 09:00:00 +0000\n\nhello\n"


def test_same_content_is_stored_once_and_joins_a_second_list(tmp_path: Path) -> None:
    engine = settings.engine_for(settings.data_dir(tmp_path))
    message = parse_message(RAW)
    with engine.begin() as conn:
        assert store.add_messages(conn, [store.prepare_message(message, "a.mbox", 0)], "one") == (1, 0)
        assert store.add_messages(conn, [store.prepare_message(message, "b.mbox", 0)], "two") == (0, 1)
        assert {s.name: s.messages for s in store.list_summaries(conn)} == {"one": 1, "two": 1}
        assert store.message_count(conn) == 1


def test_same_message_id_with_other_content_keeps_both(tmp_path: Path) -> None:
    engine = settings.engine_for(settings.data_dir(tmp_path))
    first, second = parse_message(RAW), parse_message(RAW.replace(b"hello", b"changed"))
    with engine.begin() as conn:
        batch = [store.prepare_message(first, "a.mbox", 0), store.prepare_message(second, "a.mbox", 200)]
        store.add_messages(conn, batch, "one")
        assert store.message_count(conn) == 2


def test_raw_bytes_are_kept(tmp_path: Path) -> None:
    engine = settings.engine_for(settings.data_dir(tmp_path))
    with engine.begin() as conn:
        store.add_messages(conn, [store.prepare_message(parse_message(RAW), "a.mbox", 0)], "one")
        assert store.raw_message(conn, 1) == RAW


def test_quarantine_is_idempotent(tmp_path: Path) -> None:
    engine = settings.engine_for(settings.data_dir(tmp_path))
    with engine.begin() as conn:
        assert store.add_quarantine(conn, "a.mbox", 10, "rejected: too deep", b"xx") is True
        assert store.add_quarantine(conn, "a.mbox", 10, "rejected: too deep", b"xx") is False
        [entry] = store.list_quarantine(conn)
    assert (entry.source, entry.offset, entry.size) == ("a.mbox", 10, 2)


def test_wal_mode_for_sqlite(tmp_path: Path) -> None:
    engine = settings.engine_for(settings.data_dir(tmp_path))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_an_archive_made_by_an_earlier_version_gains_the_new_columns(tmp_path: Path) -> None:
    import sqlite3

    from archive import store as archive_store

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:  # the meetings and items tables as an earlier Minutebook made them
        old.execute("CREATE TABLE meetings (meeting_id TEXT PRIMARY KEY, series TEXT NOT NULL, title TEXT NOT NULL, "
                    "start DATETIME, \"end\" DATETIME, people_count INTEGER NOT NULL, item_count INTEGER NOT NULL, "
                    "action_count INTEGER NOT NULL, file_name TEXT NOT NULL, source TEXT NOT NULL, log TEXT NOT NULL, "
                    "content_hash VARCHAR(64) NOT NULL)")
        old.execute("INSERT INTO meetings VALUES ('m1', 's', 't', NULL, NULL, 0, 0, 0, 'f', 'src', '', 'h')")
        old.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, text TEXT NOT NULL, "
                    "owners_json TEXT NOT NULL, date DATETIME, due DATE, source_kind TEXT NOT NULL, "
                    "source_id TEXT NOT NULL, line INTEGER NOT NULL, rule TEXT NOT NULL)")
        old.execute("INSERT INTO items (kind, text, owners_json, source_kind, source_id, line, rule) "
                    "VALUES ('action', 'Priya to draft', '[\"Priya\"]', 'message', 'm@x', 3, 'marker ACTION:')")
    engine = archive_store.open_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert archive_store.meeting_log(conn, "m1") is not None  # read with its new recap column (empty)
        (item,) = archive_store.stored_items(conn)
        assert (item.text, item.context_line, item.ordinal, item.item_id) == ("Priya to draft", 0, 0, "m@x#3")
    engine.dispose()
