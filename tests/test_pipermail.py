"""Tests for ingest.pipermail: Mailman 2 monthly archives with obfuscated From_ lines."""

from __future__ import annotations

import gzip
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest

from archive.models import RawItem, SourceError
from ingest.pipermail import is_pipermail_separator, iter_pipermail, month_files

DATA = Path(__file__).parent / "data" / "sources"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
R_DEVEL = CORPORA / "r-devel-pipermail"


def expected_counts() -> list[tuple[str, int]]:
    """Return (file name, message count) from the corpus's ground truth, if present."""
    table = R_DEVEL / "expected-message-counts.tsv"
    if not table.exists():
        return []
    rows = [line.split("\t") for line in table.read_text().splitlines()]
    return [(row[0], int(row[1])) for row in rows if not row[0].startswith("#")]


def subjects(found: list[RawItem | SourceError]) -> list[str]:
    """Return the Subject of each RawItem."""
    parser = BytesHeaderParser()
    raws = [item.raw for item in found if isinstance(item, RawItem)]
    return [str(parser.parsebytes(raw)["Subject"]) for raw in raws]


def test_small_archive_splits_only_where_a_from_header_follows() -> None:
    path = DATA / "pipermail-2019" / "2019-May.txt"
    found = list(iter_pipermail(path))
    assert subjects(found) == ["[Rd] First", "[Rd] Second", "[Rd] Third"]
    first = found[0]
    assert isinstance(first, RawItem)
    assert b"\nFrom irederik m@iii@g oii oib@@et  Thu May  2 10:11:12 2019\nDate: this" in first.raw
    assert b"\n>From is left alone: Pipermail does not escape.\n" in first.raw
    assert first.raw.endswith(b"does not escape.\n")


def test_envelope_offset_and_month_are_set() -> None:
    path = DATA / "pipermail-2019" / "2019-May.txt"
    data = path.read_bytes()
    found = list(iter_pipermail(path))
    assert [item.envelope for item in found if isinstance(item, RawItem)] == [
        "From m@ech|er @end|ng |rom @t@t@m@th@ethz@ch  Wed May  1 08:00:00 2019",
        "From irederik m@iii@g oii oib@@et  Thu May  2 10:11:12 2019",
        "From user at host.org  Fri May  3 01:02:03 2019",
    ]
    for item in found:
        assert isinstance(item, RawItem)
        assert item.archive_month == (2019, 5)
        assert data[item.offset :].startswith(item.envelope.encode("latin-1") + b"\nFrom:")


@pytest.mark.parametrize(
    ("line", "next_line", "expected"),
    [
        (b"From user at host  Tue Mar  1 12:27:36 2005\n", b"From: user at host\n", True),
        (b"From m@x @ending from gm@il@com  Tue Jan  1 01:02:03 2019\n", b"From: m\n", True),
        (b"From user at host  Tue Mar  1 12:27:36 2005\n", b"Date: today\n", False),
        (b"From the NEWS file:\n", b"From: someone\n", False),
        (b"From user at host  Tue Mar  1 2005\n", b"From: user at host\n", False),
    ],
)
def test_separator_rule(line: bytes, next_line: bytes, expected: bool) -> None:
    assert is_pipermail_separator(line, next_line, False) is expected


def test_gzip_month_file_reads_like_the_plain_one(tmp_path: Path) -> None:
    plain = DATA / "pipermail-2019" / "2019-May.txt"
    packed = tmp_path / "2019-May.txt.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    unpacked = [item.raw for item in iter_pipermail(plain) if isinstance(item, RawItem)]
    assert [item.raw for item in iter_pipermail(packed) if isinstance(item, RawItem)] == unpacked


def test_folder_of_months_reads_in_calendar_order(tmp_path: Path) -> None:
    plain = (DATA / "pipermail-2019" / "2019-May.txt").read_bytes()
    names = ("2019-May.txt", "2019-May.txt.gz", "2018-December.txt.gz", "2019-April.txt", "a.txt")
    for name in names:
        (tmp_path / name).write_bytes(gzip.compress(plain) if name.endswith(".gz") else plain)
    assert [p.name for p in month_files(tmp_path)] == [
        "2018-December.txt.gz",
        "2019-April.txt",
        "2019-May.txt",
    ]
    months = [item.archive_month for item in iter_pipermail(tmp_path) if isinstance(item, RawItem)]
    assert months == [(2018, 12)] * 3 + [(2019, 4)] * 3 + [(2019, 5)] * 3


@pytest.mark.parametrize(("name", "count"), expected_counts() or [("absent", 0)])
def test_r_devel_counts_match_the_ground_truth(name: str, count: int) -> None:
    path = R_DEVEL / name
    if not path.exists():
        pytest.skip("the r-devel Pipermail corpus is not available (../shared/corpora is absent)")
    found = list(iter_pipermail(path))
    assert all(isinstance(item, RawItem) for item in found)
    assert len(found) == count
    assert all(item.raw.startswith(b"From: ") for item in found if isinstance(item, RawItem))


def test_r_devel_2019_obfuscated_addresses_and_months() -> None:
    path = R_DEVEL / "2019-April.txt.gz"
    if not path.exists():
        pytest.skip("the r-devel Pipermail corpus is not available (../shared/corpora is absent)")
    found = [item for item in iter_pipermail(path) if isinstance(item, RawItem)]
    assert {item.archive_month for item in found} == {(2019, 4)}
    envelope = "From m@ech|er @end|ng |rom @t@t@m@th@ethz@ch  Mon Apr  1 12:00:02 2019"
    assert found[0].envelope == envelope
