"""Tests for ingest.sources: format detection, dispatch and default list names."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

from archive.errors import IngestError, UnknownFormatError
from archive.models import RawItem
from ingest.sources import default_list_name, detect_format, iter_source, open_stream

DATA = Path(__file__).parent / "data" / "sources"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def corpus(relative: str) -> Path:
    """Return a path in the shared corpora, skipping the test when it is absent."""
    path = CORPORA / relative
    if not path.exists():
        pytest.skip(f"corpus path {relative} is not available (../shared/corpora is absent)")
    return path


def count(path: Path) -> int:
    """Count the messages read from a source with the format it is detected as."""
    return sum(isinstance(item, RawItem) for item in iter_source(path, detect_format(path)))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("from-in-body.mbox", "mbox"),
        ("escaped.mbox", "mbox"),
        ("with-envelope.eml", "mbox"),  # a From_ line makes it a one-message mbox
        ("message.eml", "eml"),
        ("pipermail-2019/2019-May.txt", "pipermail"),
        ("pipermail-2019", "pipermail"),
        ("maildir", "maildir"),
        ("maildir/cur", "maildir"),
    ],
)
def test_fixtures_are_recognised(name: str, fmt: str) -> None:
    assert detect_format(DATA / name) == fmt


def test_content_decides_not_the_name(tmp_path: Path) -> None:
    plain = (DATA / "from-in-body.mbox").read_bytes()
    (tmp_path / "archive.eml").write_bytes(gzip.compress(plain))
    assert detect_format(tmp_path / "archive.eml") == "mbox"
    (tmp_path / "r-devel.txt").write_bytes((DATA / "pipermail-2019" / "2019-May.txt").read_bytes())
    assert detect_format(tmp_path / "r-devel.txt") == "pipermail"  # by its obfuscated address
    delivered = b"From a@example.org Tue Mar  1 12:27:36 2005\nReturn-Path: <a@example.org>\n"
    (tmp_path / "2019-June.txt").write_bytes(delivered + b"From: a@example.org\n\nHi.\n")
    assert detect_format(tmp_path / "2019-June.txt") == "mbox"  # no From: after the From_ line


def test_unknown_content_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Meeting notes\n\nNothing here is mail.\n")
    with pytest.raises(UnknownFormatError, match=r"notes\.txt: not an mbox.*Meeting notes"):
        detect_format(path)
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(UnknownFormatError):
        detect_format(tmp_path / "empty")


def test_missing_path_is_an_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file or folder"):
        detect_format(tmp_path / "nowhere.mbox")


def test_unknown_format_name_is_refused() -> None:
    with pytest.raises(UnknownFormatError, match="use one of mbox, mboxo, maildir"):
        iter_source(DATA / "escaped.mbox", "mbx")


def test_open_stream_reads_plain_and_gzip_alike(tmp_path: Path) -> None:
    plain = DATA / "escaped.mbox"
    (tmp_path / "a.gz").write_bytes(gzip.compress(plain.read_bytes()))
    with open_stream(plain) as one, open_stream(tmp_path / "a.gz") as two:
        assert one.read() == two.read() == plain.read_bytes()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_sources_are_public_inbox(tmp_path: Path) -> None:
    repo = tmp_path / "lists" / "meta" / "git" / "0.git"
    subprocess.run(["git", "init", "--bare", "--quiet", str(repo)], check=True)
    assert detect_format(repo) == "public-inbox"
    assert detect_format(tmp_path / "lists" / "meta") == "public-inbox"
    assert default_list_name(repo, "public-inbox") == "meta"
    assert default_list_name(tmp_path / "lists" / "meta", "public-inbox") == "meta"
    bundle = tmp_path / "meta.example.org.epoch3.bundle"
    bundle.write_bytes(b"# v2 git bundle\n")
    assert detect_format(bundle) == "public-inbox"
    assert default_list_name(bundle, "public-inbox") == "meta.example.org"


@pytest.mark.parametrize(
    ("path", "fmt", "name"),
    [
        (DATA / "escaped.mbox", "mbox", "escaped"),
        (Path("/srv/io.epoch0.mbox.gz"), "mbox", "io"),
        (Path("/srv/x/dev.txt.gz"), "mbox", "dev"),
        (Path("/srv/fedora-devel/2010-January.txt.gz"), "mbox", "fedora-devel"),
        (DATA / "pipermail-2019" / "2019-May.txt", "pipermail", "pipermail-2019"),
        (DATA / "pipermail-2019", "pipermail", "pipermail-2019"),
        (DATA / "maildir", "maildir", "maildir"),
        (DATA / "maildir" / "cur", "maildir", "maildir"),
        (DATA / "message.eml", "eml", "sources"),
    ],
)
def test_default_list_names(path: Path, fmt: str, name: str) -> None:
    assert default_list_name(path, fmt) == name


@pytest.mark.parametrize(
    ("relative", "fmt", "messages"),
    [
        ("fedora-devel-2010-01/2010-January.txt.gz", "mbox", 292),  # monthly name, real headers
        ("r-devel-pipermail/2005-March.txt.gz", "pipermail", 276),
        ("r-devel-pipermail/2019-February.txt.gz", "pipermail", 171),
        ("r-devel-pipermail", "pipermail", 5729),
        ("notmuch/default", "maildir", 53),
        ("notmuch/lkml", "maildir", 210),
        ("ksummit/ksummit.lists.linux.dev.mbox.gz", "mbox", 3115),
        ("ksummit/ksummit-discuss.lists.linuxfoundation.org.mbox.gz", "mbox", 759),
        ("ksummit/ksummit-discuss.lists.linuxfoundation.org.epoch0.bundle", "public-inbox", 759),
        ("hyperkitty-testdata/html-email-1.txt", "eml", 1),
        ("hyperkitty-testdata/pipermail_nextpart.txt", "pipermail", 1),
        ("hyperkitty-testdata/unixfrom-date.txt", "mbox", 1),
    ],
)
def test_real_corpora_are_detected_and_read(relative: str, fmt: str, messages: int) -> None:
    path = corpus(relative)
    assert detect_format(path) == fmt
    assert count(path) == messages


def test_every_hyperkitty_sample_reads_without_errors() -> None:
    folder = corpus("hyperkitty-testdata")
    for path in sorted(folder.iterdir()):
        found = list(iter_source(path, detect_format(path)))
        separators = sum(line.startswith(b"From ") for line in path.read_bytes().splitlines())
        assert all(isinstance(item, RawItem) for item in found), path.name
        assert len(found) == max(separators, 1), path.name  # non-ascii-headers.txt holds 6
