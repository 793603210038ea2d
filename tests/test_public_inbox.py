"""Tests for ingest.public_inbox: v2 bundles, epoch repositories and inbox folders."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest

from archive.errors import IngestError
from archive.models import RawItem, SourceError
from ingest.mbox import iter_mbox
from ingest.public_inbox import epoch_repos, iter_public_inbox

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
KSUMMIT = CORPORA / "ksummit"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, stdin: bytes = b"") -> str:
    """Run a git command on a bare repository and return its output."""
    done = subprocess.run(
        ["git", f"--git-dir={repo}", *args], input=stdin, capture_output=True, check=True
    )
    return done.stdout.decode()


def make_epoch(repo: Path, blobs: list[tuple[str, bytes]]) -> list[str]:
    """Create a bare epoch with one commit per (file name, content), as public-inbox does."""
    subprocess.run(["git", "init", "--bare", "--quiet", str(repo)], check=True)
    stream = bytearray()
    for when, (name, content) in enumerate(blobs):
        # Each commit's tree holds only that one file, like public-inbox's m (or d) blob.
        stream += b"commit refs/heads/master\n"
        stream += f"committer a <a@example.org> {1600000000 + when} +0000\n".encode()
        stream += f"data 1\n{when % 10}\ndeleteall\nM 100644 inline {name}\n".encode()
        stream += f"data {len(content)}\n".encode() + content + b"\n"
    git(repo, "fast-import", "--quiet", stdin=bytes(stream))
    return git(repo, "rev-list", "--reverse", "master").split()


def mail(n: int) -> bytes:
    """Return a tiny message."""
    return f"From: a@example.org\nMessage-ID: <{n}@example.org>\n\nBody {n}.\n".encode()


def test_epoch_yields_blob_m_oldest_first_and_skips_deletions(tmp_path: Path) -> None:
    repo = tmp_path / "0.git"
    commits = make_epoch(repo, [("m", mail(1)), ("m", mail(2)), ("d", mail(1)), ("m", mail(3))])
    found = list(iter_public_inbox(repo))
    assert [item.raw for item in found] == [mail(1), mail(2), mail(3)]
    assert [item.source for item in found] == [f"{repo}:{commits[i]}" for i in (0, 1, 3)]
    assert [item.offset for item in found] == [0, 1, 3]


def test_commit_with_neither_m_nor_d_is_a_source_error(tmp_path: Path) -> None:
    repo = tmp_path / "0.git"
    commits = make_epoch(repo, [("m", mail(1)), ("x", b"odd")])
    first, error = iter_public_inbox(repo)
    assert isinstance(first, RawItem)
    assert error == SourceError(f"{repo}:{commits[1]}", 1, "commit has no readable message blob m")


def test_inbox_folder_reads_epochs_in_numeric_order(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    make_epoch(inbox / "git" / "10.git", [("m", mail(3))])
    make_epoch(inbox / "git" / "2.git", [("m", mail(2))])
    make_epoch(inbox / "git" / "0.git", [("m", mail(1))])
    assert [p.name for p in epoch_repos(inbox)] == ["0.git", "2.git", "10.git"]
    found = list(iter_public_inbox(inbox))
    assert [item.raw for item in found] == [mail(1), mail(2), mail(3)]
    assert found[2].source.startswith(f"{inbox / 'git' / '10.git'}:")


def test_bundle_is_cloned_into_a_temporary_folder_and_removed(tmp_path: Path) -> None:
    repo = tmp_path / "0.git"
    make_epoch(repo, [("m", mail(n)) for n in range(600)])  # more than one cat-file batch
    bundle = tmp_path / "list.example.org.epoch0.bundle"
    git(repo, "bundle", "create", "--quiet", str(bundle), "--all")
    before = set(Path(tempfile.gettempdir()).glob("minutebook-bundle-*"))
    found = list(iter_public_inbox(bundle))
    assert [item.raw for item in found] == [mail(n) for n in range(600)]
    assert all(item.source.startswith(f"{bundle}:") for item in found)
    assert set(Path(tempfile.gettempdir()).glob("minutebook-bundle-*")) == before


def test_not_a_bundle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.bundle"
    path.write_text("# v3 git bundle\n")
    with pytest.raises(IngestError, match="not a git bundle"):
        list(iter_public_inbox(path))


def test_folder_without_epochs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no public-inbox epochs"):
        list(iter_public_inbox(tmp_path))


def test_stopping_early_leaves_no_git_running(tmp_path: Path) -> None:
    repo = tmp_path / "0.git"
    make_epoch(repo, [("m", mail(n)) for n in range(300)])
    items = iter_public_inbox(repo)
    assert next(items).raw == mail(0)
    items.close()  # must not hang on git's pipes
    assert list(iter_public_inbox(repo))[-1].raw == mail(299)


def test_ksummit_discuss_bundle_matches_its_mbox_export() -> None:
    bundle = KSUMMIT / "ksummit-discuss.lists.linuxfoundation.org.epoch0.bundle"
    export = KSUMMIT / "ksummit-discuss.lists.linuxfoundation.org.mbox.gz"
    if not (bundle.exists() and export.exists()):
        pytest.skip("the ksummit corpus is not available (../shared/corpora is absent)")
    found = list(iter_public_inbox(bundle))
    assert len(found) == 759 and all(isinstance(item, RawItem) for item in found)
    assert [item.offset for item in found] == list(range(759))
    parser = BytesHeaderParser()
    ids = [parser.parsebytes(item.raw)["Message-ID"] for item in found]
    expected = [parser.parsebytes(item.raw)["Message-ID"] for item in iter_mbox(export)]
    assert ids == expected
