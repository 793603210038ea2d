"""Tests for ingest.maildir: Maildir folders, folders of .eml files and single files."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from pathlib import Path

import pytest

from archive.models import RawItem, SourceError
from ingest.maildir import iter_eml, iter_maildir

DATA = Path(__file__).parent / "data" / "sources"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def notmuch(name: str) -> Path:
    """Return a notmuch test corpus folder, skipping the test when it is absent."""
    path = CORPORA / "notmuch" / name
    if not path.is_dir():
        pytest.skip("the notmuch corpora are not available (../shared/corpora is absent)")
    return path


def test_maildir_reads_cur_new_and_subfolders_but_not_tmp_or_state() -> None:
    folder = DATA / "maildir"
    found = list(iter_maildir(folder))
    assert all(isinstance(item, RawItem) for item in found)
    assert [Path(item.source).relative_to(folder).as_posix() for item in found] == [
        ".Sent/cur/1003.d:2,S",
        "cur/1000.a:2,S",
        "new/1001.b",
        "sub/cur/1002.c:2,RS",
    ]
    assert all(item.offset == 0 and item.envelope is None for item in found)
    first = found[1]
    assert isinstance(first, RawItem)
    assert first.raw == (folder / "cur" / "1000.a:2,S").read_bytes()


def test_folder_of_eml_files(tmp_path: Path) -> None:
    for name in ("b.eml", "a.eml"):
        (tmp_path / name).write_bytes((DATA / "message.eml").read_bytes())
    found = list(iter_maildir(tmp_path))
    assert [Path(item.source).name for item in found] == ["a.eml", "b.eml"]


def test_empty_file_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "empty.eml").write_bytes(b"")
    (only,) = iter_maildir(tmp_path)
    assert isinstance(only, SourceError) and only.reason == "empty message file"


def test_unreadable_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "vanished.eml"  # e.g. moved by a mail client between walk and read
    (only,) = iter_eml(path)
    assert isinstance(only, SourceError) and only.source == str(path)
    assert only.reason.startswith("cannot read message file: ")


def test_single_eml_file() -> None:
    path = DATA / "message.eml"
    (only,) = iter_eml(path)
    assert only == RawItem(raw=path.read_bytes(), source=str(path), offset=0)


def test_envelope_line_is_split_off() -> None:
    path = DATA / "with-envelope.eml"
    (only,) = iter_eml(path)
    assert isinstance(only, RawItem)
    assert only.envelope == "From grace@example.org  Thu Jul  7 10:00:00 2016"
    assert only.raw.startswith(b"From: Grace <grace@example.org>\n")


@pytest.mark.parametrize(("name", "files"), [("default", 53), ("lkml", 210)])
def test_notmuch_corpora_give_one_item_per_file(name: str, files: int) -> None:
    found = list(iter_maildir(notmuch(name)))
    assert len(found) == files and all(isinstance(item, RawItem) for item in found)
    assert len({item.source for item in found}) == files


def test_notmuch_default_has_52_distinct_messages_in_nested_folders() -> None:
    folder = notmuch("default")
    found = [item for item in iter_maildir(folder) if isinstance(item, RawItem)]
    parser = BytesHeaderParser()
    ids = {parser.parsebytes(item.raw)["Message-ID"].strip() for item in found}
    assert len(ids) == 52
    places = {Path(item.source).parent.relative_to(folder).as_posix() for item in found}
    assert {".", "bar", "foo", "cur", "new", "bar/baz/new", "foo/baz/cur"} <= places
    assert found == [item for item in iter_maildir(folder) if isinstance(item, RawItem)]
