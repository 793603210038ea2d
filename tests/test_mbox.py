"""Tests for ingest.mbox: strict From_ splitting, unescaping, gzip and truncated gzip."""

from __future__ import annotations

import gzip
import time
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest

from archive.errors import IngestError
from archive.models import RawItem, SourceError
from ingest.mbox import archive_month, is_mbox_separator, iter_mbox, open_stream

DATA = Path(__file__).parent / "data" / "sources"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def corpus(relative: str) -> Path:
    """Return a path in the shared corpora, skipping the test when it is absent."""
    path = CORPORA / relative
    if not path.exists():
        pytest.skip(f"corpus file {relative} is not available (../shared/corpora is absent)")
    return path


def items(path: Path, **options: str) -> list[RawItem | SourceError]:
    """Read every item of an mbox."""
    return list(iter_mbox(path, **options))


def message_ids(found: list[RawItem | SourceError]) -> list[str | None]:
    """Return the Message-ID header of each RawItem."""
    parser = BytesHeaderParser()
    raws = [item.raw for item in found if isinstance(item, RawItem)]
    return [parser.parsebytes(raw)["Message-ID"] for raw in raws]


def test_body_lines_starting_with_from_stay_in_the_body() -> None:
    found = items(DATA / "from-in-body.mbox")
    assert message_ids(found) == ["<plans-1@example.org>", "<plans-2@example.org>"]
    first, second = found
    assert isinstance(first, RawItem) and isinstance(second, RawItem)
    assert b"\n\nFrom here on, we meet on Tuesdays.\nFrom Monday Jan 3" in first.raw
    assert first.raw.endswith(b"the room changes too.\n")  # separator blank line removed
    assert second.raw.endswith(b"so it is not a separator.\n")
    assert b"From carol@example.org Tue Mar  1 14:00:00 2005\n" in second.raw


def test_envelope_and_offsets_locate_each_from_line() -> None:
    path = DATA / "from-in-body.mbox"
    data = path.read_bytes()
    found = items(path)
    assert [item.envelope for item in found if isinstance(item, RawItem)] == [
        "From alice@example.org Tue Mar  1 12:27:36 2005",
        "From bob@example.org Tue Mar  1 13:02:11 2005",
    ]
    for item in found:
        assert isinstance(item, RawItem) and item.envelope is not None
        line = item.envelope.encode("latin-1") + b"\n"
        assert data[item.offset : item.offset + len(line)] == line
        assert data[item.offset + len(line) :].startswith(item.raw)
        assert item.source == str(path) and item.archive_month is None


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("mboxrd", b"From the minutes:\n>From a quoted mail\n>>From deeper still\n"),
        ("mboxo", b"From the minutes:\n>>From a quoted mail\n>>>From deeper still\n"),
        ("none", b">From the minutes:\n>>From a quoted mail\n>>>From deeper still\n"),
    ],
)
def test_from_unescaping_follows_the_dialect(dialect: str, expected: bytes) -> None:
    first, second = items(DATA / "escaped.mbox", dialect=dialect)
    assert isinstance(first, RawItem) and isinstance(second, RawItem)
    assert expected + b"> >From not an escape\n>Fromage is not one either\n" in first.raw
    assert second.raw.endswith(b"\n\nLast line.\n")


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(IngestError, match="mboxrd, mboxo or none"):
        items(DATA / "escaped.mbox", dialect="mboxcl2")


def test_crlf_mbox_splits_and_unescapes(tmp_path: Path) -> None:
    path = tmp_path / "crlf.mbox"
    path.write_bytes((DATA / "escaped.mbox").read_bytes().replace(b"\n", b"\r\n"))
    first, second = items(path)
    assert isinstance(first, RawItem) and isinstance(second, RawItem)
    assert first.envelope == "From mboxrd@z Thu Jan  1 00:00:00 1970"
    assert b"\r\nFrom the minutes:\r\n>From a quoted mail\r\n" in first.raw
    assert first.raw.endswith(b"not one either\r\n")
    assert second.raw.endswith(b"Last line.\r\n")
    assert second.offset == path.read_bytes().index(b"\r\nFrom mboxrd@z", 10) + 2


def test_leading_garbage_is_kept_as_a_source_error() -> None:
    path = DATA / "leading-garbage.mbox"
    garbage, message = items(path)
    assert isinstance(garbage, SourceError)
    assert garbage.offset == 0 and "before the first From_ line" in garbage.reason
    assert garbage.raw.startswith(b"This text came before the first message,\n")
    assert isinstance(message, RawItem)
    assert message.offset == path.read_bytes().index(b"From frank")
    assert message_ids([message]) == ["<after@example.org>"]


def test_file_without_from_line_is_one_source_error() -> None:
    (only,) = items(DATA / "message.eml")
    assert isinstance(only, SourceError)
    assert only.raw == (DATA / "message.eml").read_bytes()


def test_gzip_is_recognised_by_magic_not_name(tmp_path: Path) -> None:
    path = tmp_path / "no-extension"
    path.write_bytes(gzip.compress((DATA / "from-in-body.mbox").read_bytes()))
    with open_stream(path) as stream:
        assert stream.read(5) == b"From "
    assert message_ids(items(path)) == ["<plans-1@example.org>", "<plans-2@example.org>"]


def test_truncated_gzip_keeps_the_partial_message_then_reports(tmp_path: Path) -> None:
    data = (DATA / "from-in-body.mbox").read_bytes()
    packed = gzip.compress(data, compresslevel=0)  # stored blocks: all bytes before the cut survive
    cut = tmp_path / "cut.mbox.gz"
    cut.write_bytes(packed[: packed.index(b"Fine by me.") + 4])
    first, partial, error = items(cut)
    assert isinstance(first, RawItem) and isinstance(partial, RawItem)
    assert message_ids([first, partial]) == ["<plans-1@example.org>", "<plans-2@example.org>"]
    assert partial.raw.endswith(b"\n\nFine")
    assert isinstance(error, SourceError) and error.reason.startswith("truncated gzip: ")
    assert error.offset == data.index(b"Fine by me.") + 4


def test_truncated_gzip_inside_headers_quarantines_the_part(tmp_path: Path) -> None:
    data = (DATA / "from-in-body.mbox").read_bytes()
    packed = gzip.compress(data, compresslevel=0)
    cut = tmp_path / "cut.mbox.gz"
    cut.write_bytes(packed[: packed.index(b"Subject: Re: Plans")])
    first, error = items(cut)
    assert isinstance(first, RawItem)
    assert isinstance(error, SourceError) and error.reason.startswith("truncated gzip: ")
    assert error.offset == data.index(b"From bob")
    assert error.raw == data[data.index(b"From bob") : data.index(b"Subject: Re: Plans")]


@pytest.mark.parametrize(
    "line",
    [
        b"From mboxrd@z Thu Jan  1 00:00:00 1970\n",
        b"From user@host Tue Mar  1 12:27:36 2005\n",
        b"From rakesh.pandit@gmail.com Thu Dec 31 22:50:51 2009\n",
        b"From zzz@example.com  Mon Nov  9 21:54:11 1999\n",
        b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\r\n",
        b"From - Thu Jan 01 00:00:00 2009\n",
        b"From user@host Tue Mar  1 12:27:36 PST 2005\n",
        b"From user@host Tue Mar  1 12:27:36 +0100 2005\n",
        b"From user@host Tue Mar  1 12:27:36 2005 +0100\n",
        b"From user@host Tue Mar  1 12:27 2005\n",
        b"From user@host Tue, 01 Mar 2005 12:27:36 +0100\n",
        b"From user@host Tue Mar  1 12:27:36 2005",
    ],
)
def test_from_line_variants_are_separators(line: bytes) -> None:
    assert is_mbox_separator(line, b"Subject: x\n", True)


@pytest.mark.parametrize(
    "line",
    [
        b"From here on, we meet on Tuesdays.\n",
        b"From Monday Jan 3 the room changes.\n",
        b"From Tue Mar  1 we moved to 2005\n",
        b"From user@host Tue Mar  1 2005\n",
        b"From user@host Tue Mar  1 12:27:36 2005 and more words\n",
    ],
)
def test_prose_is_not_a_separator(line: bytes) -> None:
    assert not is_mbox_separator(line, b"Subject: x\n", True)


def test_from_line_needs_a_blank_line_before_it() -> None:
    assert not is_mbox_separator(b"From user@host Tue Mar  1 12:27:36 2005\n", b"x\n", False)


@pytest.mark.parametrize(
    ("name", "month"),
    [("2019-April.txt.gz", (2019, 4)), ("2010-January.txt", (2010, 1)), ("io.mbox", None)],
)
def test_archive_month_comes_from_the_file_name(name: str, month: tuple[int, int] | None) -> None:
    assert archive_month(Path(name)) == month


def test_fedora_monthly_mbox_has_292_messages() -> None:
    found = items(corpus("fedora-devel-2010-01/2010-January.txt.gz"))
    assert len(found) == 292 and all(isinstance(item, RawItem) for item in found)
    assert {item.archive_month for item in found if isinstance(item, RawItem)} == {(2010, 1)}
    subjects = [BytesHeaderParser().parsebytes(item.raw)["Subject"] for item in found]
    assert any("FESCo meeting" in str(subject) for subject in subjects)


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("ksummit.lists.linux.dev.mbox.gz", 3115),
        ("ksummit-discuss.lists.linuxfoundation.org.mbox.gz", 759),
    ],
)
def test_ksummit_exports_have_one_message_per_commit(name: str, count: int) -> None:
    found = items(corpus(f"ksummit/{name}"))
    assert len(found) == count and all(isinstance(item, RawItem) for item in found)
    assert all(item.envelope == "From mboxrd@z Thu Jan  1 00:00:00 1970" for item in found)
    assert all(not item.raw.startswith(b"From ") for item in found if isinstance(item, RawItem))


def test_io_uring_archive_streams_quickly() -> None:
    path = corpus("io-uring/io-uring.vger.kernel.org.epoch0.mbox.gz")
    started = time.perf_counter()
    count = sum(isinstance(item, RawItem) for item in iter_mbox(path))
    seconds = time.perf_counter() - started
    assert count == 33_493
    assert seconds < 15, f"splitting took {seconds:.1f} s"


def test_truncated_real_archive_yields_everything_before_the_cut(tmp_path: Path) -> None:
    source = corpus("ksummit/ksummit-discuss.lists.linuxfoundation.org.mbox.gz")
    whole = items(source)
    packed = source.read_bytes()
    cut = tmp_path / "cut.mbox.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    found = items(cut)
    *messages, error = found
    assert isinstance(error, SourceError) and error.reason.startswith("truncated gzip: ")
    assert 300 < len(messages) < 759
    for item, full in zip(messages[:-1], whole):
        assert item == RawItem(full.raw, str(cut), full.offset, full.envelope)
    partial = messages[-1]
    assert isinstance(partial, RawItem)
    assert whole[len(messages) - 1].raw.startswith(partial.raw)
    assert error.offset >= partial.offset + len(partial.raw)
