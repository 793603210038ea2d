"""Read Maildir folders (cur/new, nested) and folders of `.eml` files: one file, one message."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from archive.models import RawItem, SourceError
from ingest.mbox import FROM_LINE

# Bookkeeping files that mail servers leave next to the messages in a Maildir.
_NOT_MESSAGES = frozenset(
    {"maildirfolder", "subscriptions", "courierimapsubscribed", "courierimapuiddb"}
)
_NOT_MESSAGE_PREFIXES = ("dovecot", "courierimap")


def iter_maildir(path: Path) -> Iterator[RawItem | SourceError]:
    """Yield every message file below a folder, in a sorted, repeatable order."""
    for file in message_files(path):
        yield from iter_eml(file)


def message_files(folder: Path) -> Iterator[Path]:
    """Yield the regular files below folder, skipping dotfiles, tmp/ and server bookkeeping."""
    for root, dirs, files in os.walk(folder):
        # tmp/ holds deliveries still being written; dot-folders are other programs' state
        # (.notmuch, .git) unless they are Maildir++ subfolders with their own cur/ or new/.
        dirs[:] = sorted(d for d in dirs if d != "tmp" and _is_mail_folder(Path(root) / d))
        for name in sorted(files):
            file = Path(root) / name
            if _is_message_name(name) and file.is_file() and not file.is_symlink():
                yield file


def iter_eml(path: Path) -> Iterator[RawItem | SourceError]:
    """Yield the one message a file holds, without the mbox From_ line some writers add."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield SourceError(str(path), 0, f"cannot read message file: {exc.strerror or exc}")
        return
    if not data.strip():
        yield SourceError(str(path), 0, "empty message file", data)
        return
    envelope = None
    if data.startswith(b"From "):
        first, _, rest = data.partition(b"\n")
        if FROM_LINE.match(first + b"\n"):
            envelope, data = first.rstrip(b"\r").decode("latin-1"), rest
    yield RawItem(raw=data, source=str(path), offset=0, envelope=envelope)


def _is_mail_folder(folder: Path) -> bool:
    """Tell whether a sub-folder may hold messages."""
    if not folder.name.startswith("."):
        return True
    return (folder / "cur").is_dir() or (folder / "new").is_dir()


def _is_message_name(name: str) -> bool:
    """Tell whether a file name can be a message rather than a dotfile or server state."""
    if name.startswith(".") or name in _NOT_MESSAGES:
        return False
    return not name.startswith(_NOT_MESSAGE_PREFIXES)
