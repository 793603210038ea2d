"""Recognise a source's format by its content and read it with the matching reader."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from archive.errors import IngestError, UnknownFormatError
from archive.models import RawItem, SourceError
from ingest.maildir import iter_eml, iter_maildir
from ingest.meetbot import MEETING_FILE, is_hcoop_log, is_meetbot_log
from ingest.scribe import COMPANIONS as SCRIBE_COMPANIONS
from ingest.scribe import is_scribe_log
from ingest.mbox import FROM_LINE, archive_month, iter_mbox, open_stream
from ingest.pipermail import iter_pipermail, month_files
from ingest.public_inbox import epoch_repos, is_bare_repo, is_bundle, iter_public_inbox
from ingest.posts import is_feed, is_web_page, iter_posts
from ingest.reviews import is_review_export, iter_reviews
from ingest.web_pages import is_archive_page, is_pipermail_tree, iter_pages

__all__ = ["FORMATS", "default_list_name", "detect_format", "iter_source", "open_stream"]

FORMATS = ("mbox", "mboxo", "maildir", "eml", "pipermail", "archive-pages", "public-inbox", "meetbot", "scribe", "recap",
           "review", "posts")

_HEAD_SIZE = 64 * 1024
_HEADER_LINE = re.compile(rb"[!-9;-~]+:[ \t]*\S")
# How Pipermail hides the address in its From_ lines: "user at host", and ETH Zurich's
# "m@x @ending from gm@il@com" / "@end|ng |rom".
_OBFUSCATIONS = (b" at ", b"@ending from", b"@end|ng |rom")
_EPOCH_BUNDLE = re.compile(r"\.epoch\d+\.bundle\Z|\.bundle\Z")


def detect_format(path: Path) -> str:
    """Return the format of a file or folder, judged by its content."""
    if path.is_dir():
        return _folder_format(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file or folder")
    if is_bundle(path):
        return "public-inbox"
    if MEETING_FILE.match(path.name):
        return "meetbot"
    if path.name in SCRIBE_COMPANIONS and path.with_name("irc.log").is_file():
        return "scribe"
    if path.suffix in (".log", ".rst") and path.with_suffix(".log").is_file() and path.with_suffix(".rst").is_file():
        return "recap"  # a meeting held without a bot: its IRC log and its written recap
    head = _read_head(path)
    text = head.decode("utf-8", "replace")
    if is_review_export(text):
        return "review"
    if is_meetbot_log(text) or is_hcoop_log(text):
        return "meetbot"
    if is_scribe_log(text):
        return "scribe"
    if head.startswith(b"From "):
        return "pipermail" if _looks_like_pipermail(path, head) else "mbox"
    if is_archive_page(text):
        return "archive-pages"
    if is_feed(text) or is_web_page(text):
        return "posts"  # a blog's feed, or a page such as a post carrying a board's notes
    if _HEADER_LINE.match(head):
        return "eml"
    raise UnknownFormatError(
        f"{path}: not an mbox, Pipermail archive, e-mail message or public-inbox bundle "
        f"(it starts with {head[:40]!r})"
    )


def iter_source(path: Path, fmt: str) -> Iterator[RawItem | SourceError]:
    """Yield the messages of a source read as the given format."""
    if fmt == "mbox":
        return iter_mbox(path)
    if fmt == "mboxo":
        return iter_mbox(path, dialect="mboxo")
    if fmt == "pipermail":
        return iter_pipermail(path)
    if fmt == "maildir":
        return iter_maildir(path)
    if fmt == "eml":
        return iter_eml(path)
    if fmt == "public-inbox":
        return iter_public_inbox(path)
    if fmt == "review":
        return iter_reviews(path)
    if fmt == "archive-pages":
        return iter_pages(path)
    if fmt == "posts":
        return iter_posts(path)
    raise UnknownFormatError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def default_list_name(path: Path, fmt: str) -> str:
    """Return the list name a source implies when none is given."""
    path = path.resolve()
    if fmt == "review":
        return "reviews"
    if fmt == "posts":
        return path.stem
    if fmt == "archive-pages" and path.is_file() and re.fullmatch(r"\d{4}-[A-Z][a-z]+", path.parent.name):
        return path.parent.parent.name  # LIST/YYYY-Month/NNNNNN.html
    if fmt == "public-inbox":
        if path.is_file():
            return _EPOCH_BUNDLE.sub("", path.name)
        if re.fullmatch(r"\d+\.git", path.name):  # an epoch: name the inbox it belongs to
            return path.parent.parent.name if path.parent.name == "git" else path.parent.name
        return path.name.removesuffix(".git")
    if fmt in ("mbox", "mboxo") and archive_month(path) is None:
        name = path.name
        while (stem := re.sub(r"\.(gz|mbox|txt|epoch\d+)\Z", "", name)) != name:
            name = stem
        return name
    # A monthly file is named by its month, so its folder names the list.
    folder = path if path.is_dir() else path.parent
    if fmt in ("maildir", "eml") and folder.name in ("cur", "new"):
        folder = folder.parent
    return folder.name


def _folder_format(path: Path) -> str:
    """Return the format of a folder: a public-inbox, a Pipermail month folder or a Maildir."""
    if is_bare_repo(path) or epoch_repos(path):
        return "public-inbox"
    has_maildir = any((path / sub).is_dir() for sub in ("cur", "new"))
    if not has_maildir and month_files(path):
        return "pipermail"
    if not has_maildir and is_pipermail_tree(path):
        return "archive-pages"
    return "maildir"


def _read_head(path: Path) -> bytes:
    """Return the first bytes of a file, decompressed when it is gzip."""
    head = b""
    with open_stream(path) as stream:
        read = getattr(stream, "read1", stream.read)  # read1: keep what a cut gzip gives
        try:
            while len(head) < _HEAD_SIZE and (chunk := read(_HEAD_SIZE - len(head))):
                head += chunk
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            if not head:
                raise UnknownFormatError(f"{path}: unreadable gzip data ({exc})") from exc
    return head


def _looks_like_pipermail(path: Path, head: bytes) -> bool:
    """Tell a Pipermail archive from an mbox: a From: header follows the From_ line."""
    first, _, rest = head.partition(b"\n")
    if not rest.startswith(b"From:"):
        return False
    if archive_month(path) is not None:
        return True
    match = FROM_LINE.match(first + b"\n")
    sender = match.group(1) if match else first
    return any(mark in sender for mark in _OBFUSCATIONS)
