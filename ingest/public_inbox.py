"""Read public-inbox v2 archives: git bundles, epoch repositories and inbox folders."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from archive.errors import IngestError
from archive.models import RawItem, SourceError

BUNDLE_SIGNATURE = b"# v2 git bundle"
# Requests written before reading their answers; small enough that the request lines
# (about 43 bytes each) never fill the pipe, so neither side can block the other.
_BATCH = 256
_EPOCH_NAME = re.compile(r"(\d+)\.git\Z")


def is_bundle(path: Path) -> bool:
    """Tell whether a file is a git bundle (v2)."""
    with path.open("rb") as file:
        return file.read(len(BUNDLE_SIGNATURE)) == BUNDLE_SIGNATURE


def is_bare_repo(path: Path) -> bool:
    """Tell whether a folder is a bare git repository."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def epoch_repos(inbox: Path) -> list[Path]:
    """Return a v2 inbox's epoch repositories (git/0.git, git/1.git, ...) in order."""
    found = []
    for repo in (inbox / "git").iterdir() if (inbox / "git").is_dir() else []:
        match = _EPOCH_NAME.match(repo.name)
        if match and is_bare_repo(repo):
            found.append((int(match.group(1)), repo))
    return [repo for _, repo in sorted(found)]


def iter_public_inbox(path: Path) -> Iterator[RawItem | SourceError]:
    """Yield each message of a public-inbox v2 bundle, epoch repository or inbox folder."""
    if path.is_file():
        if not is_bundle(path):
            raise IngestError(f"{path}: not a git bundle (it does not start {BUNDLE_SIGNATURE!r})")
        with tempfile.TemporaryDirectory(prefix="minutebook-bundle-") as tmp:
            repo = Path(tmp) / "epoch.git"
            _run_git(["clone", "--mirror", "--quiet", str(path), str(repo)])
            yield from iter_epoch(repo, source=str(path))
    elif is_bare_repo(path):
        yield from iter_epoch(path, source=str(path))
    else:
        epochs = epoch_repos(path)
        if not epochs:
            raise IngestError(f"{path}: no public-inbox epochs (git/0.git, ...) found")
        for repo in epochs:
            yield from iter_epoch(repo, source=str(repo))


def iter_epoch(repo: Path, *, source: str) -> Iterator[RawItem | SourceError]:
    """Yield the blob `m` of every commit of one epoch, oldest first."""
    # --date-order keeps every parent before its children and otherwise follows commit
    # time, so several branches interleave in the order the messages arrived.
    rev_list = _popen_git(repo, ["rev-list", "--reverse", "--date-order", "--all"], stdin=False)
    cat_file = _popen_git(repo, ["cat-file", "--batch"], stdin=True)
    assert rev_list.stdout is not None and cat_file.stdin is not None
    commits = (line.decode("ascii").strip() for line in rev_list.stdout)
    ordinal = 0
    try:
        while batch := list(islice(commits, _BATCH)):
            for commit, blob in _read_blobs(cat_file, batch):
                yield from _item(repo, source, commit, ordinal, blob)
                ordinal += 1
    finally:
        cat_file.stdin.close()
        _wait(cat_file, repo)
        _wait(rev_list, repo)


def _read_blobs(
    cat_file: subprocess.Popen[bytes], commits: list[str]
) -> Iterator[tuple[str, bytes | None]]:
    """Ask cat-file for each commit's blob `m` and yield (commit, bytes or None if absent)."""
    stdin, stdout = cat_file.stdin, cat_file.stdout
    assert stdin is not None and stdout is not None
    stdin.write("".join(f"{commit}:m\n" for commit in commits).encode("ascii"))
    stdin.flush()
    for commit in commits:
        header = stdout.readline().split()
        if len(header) != 3:  # "<commit>:m missing", or nothing if git died
            yield commit, None
            continue
        data = stdout.read(int(header[2]))
        stdout.read(1)  # the newline after each object
        yield commit, data if header[1] == b"blob" else None


def _item(
    repo: Path, source: str, commit: str, ordinal: int, blob: bytes | None
) -> Iterator[RawItem | SourceError]:
    """Turn one commit's blob into a RawItem; a deletion (blob `d`, no `m`) yields nothing."""
    if blob is not None:
        yield RawItem(raw=blob, source=f"{source}:{commit}", offset=ordinal)
        return
    deleted = subprocess.run(
        ["git", f"--git-dir={repo}", "cat-file", "-e", f"{commit}:d"], capture_output=True
    )
    if deleted.returncode != 0:
        yield SourceError(f"{source}:{commit}", ordinal, "commit has no readable message blob m")


def _popen_git(repo: Path, args: list[str], *, stdin: bool) -> subprocess.Popen[bytes]:
    """Start a git command on repo with its output piped to us."""
    try:
        return subprocess.Popen(
            ["git", f"--git-dir={repo}", *args],
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise IngestError("reading public-inbox archives needs git, which was not found") from exc


def _wait(process: subprocess.Popen[bytes], repo: Path) -> None:
    """Wait for a git process and turn its failure into an IngestError."""
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # first, so a git stopped early by our reader gets SIGPIPE
    with process.stderr:
        error = process.stderr.read().decode("utf-8", "replace").strip()
    if process.wait() != 0 and error:
        raise IngestError(f"{repo}: git failed: {error}")


def _run_git(args: list[str]) -> None:
    """Run a git command to completion, raising IngestError when it fails."""
    try:
        done = subprocess.run(["git", *args], capture_output=True)
    except FileNotFoundError as exc:
        raise IngestError("reading public-inbox archives needs git, which was not found") from exc
    if done.returncode != 0:
        raise IngestError(f"git {args[0]} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
