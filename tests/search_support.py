"""Build small search indexes for the search tests, from mbox files and without a database."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from archive.models import Message, RawItem, ThreadInput
from archive.threads import thread_messages
from ingest.mbox import iter_mbox
from ingest.message import parse_message
from search import indexer
from search.documents import Document, message_document

DATA = Path(__file__).parent / "data" / "search"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
KSUMMIT = CORPORA / "ksummit" / "ksummit-discuss.lists.linuxfoundation.org.mbox.gz"
# The fixture lists: each mbox is one list.
FIXTURES = {"ring-dev": DATA / "ring-dev.mbox", "community": DATA / "community.mbox"}


def read_mbox(path: Path) -> list[Message]:
    """Return every message of an mbox, parsed."""
    return [parse_message(item.raw, envelope=item.envelope) for item in iter_mbox(path) if isinstance(item, RawItem)]


def thread_ids(messages: Iterable[Message]) -> dict[str, str]:
    """Return {Message-ID: thread id} as the importer would thread them."""
    inputs = [ThreadInput(m.message_id, m.references, m.in_reply_to, m.date, m.subject) for m in messages]
    return {node.message_id: tree.thread_id for tree in thread_messages(inputs) for node in tree.nodes}


def documents(lists: dict[str, Path]) -> list[Document]:
    """Return the index documents of every message of the given {list: mbox}."""
    parsed = {name: read_mbox(path) for name, path in lists.items()}
    threads = thread_ids(m for messages in parsed.values() for m in messages)
    return [
        message_document(message, list_names=[name], thread_id=threads.get(message.message_id))
        for name, messages in parsed.items()
        for message in messages
    ]


def build_index(index_dir: Path, lists: dict[str, Path] | None = None) -> Path:
    """Index the fixture lists (or the given ones) into index_dir and return it."""
    indexer.rebuild(index_dir, documents(lists or FIXTURES), procs=1)
    return index_dir


def fixture_messages() -> dict[str, Message]:
    """Return the fixture messages by Message-ID."""
    return {m.message_id: m for path in FIXTURES.values() for m in read_mbox(path)}
