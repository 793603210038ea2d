"""Create, write, check and rebuild the index in DIR/index/, one writer at a time."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.writing import IndexingError, IndexWriter

from archive.errors import SearchError
from search.documents import Document
from search.schema import SCHEMA_VERSION, build_schema

# How long a second writer waits for the first before giving up.
WRITE_TIMEOUT = 30.0
# Documents per commit: each commit makes them searchable and bounds what a crash loses.
BATCH_SIZE = 50_000
# Memory (MB, per writing process) for postings before they are sorted to disk.
LIMIT_MB = 16
_VERSION_FILE = "minutebook-index.json"
# Errors of Whoosh and of the file system that mean the index cannot be used as it is.
WHOOSH_ERRORS: tuple[type[Exception], ...] = (
    whoosh_index.IndexError, whoosh_index.LockError, IndexingError, OSError,
)


@dataclass(frozen=True)
class IndexComparison:
    """How the index differs from the store: keys missing from it and keys it should not have."""

    indexed: int
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Return True when the index holds exactly the store's items."""
        return not self.missing and not self.extra


def index_dir_for(data_dir: Path) -> Path:
    """Return where a data directory keeps its index."""
    return data_dir / "index"


def index_exists(index_dir: Path) -> bool:
    """Return True if index_dir holds an index."""
    return (index_dir / _VERSION_FILE).exists() and whoosh_index.exists_in(str(index_dir))


def open_index(index_dir: Path) -> Index:
    """Open the index in index_dir, or raise SearchError saying why it cannot be used."""
    if not index_exists(index_dir):
        raise SearchError(f"there is no search index in {index_dir}; run `minutebook reindex` to build it")
    version = _read_version(index_dir)
    if version != SCHEMA_VERSION:
        raise SearchError(
            f"the search index in {index_dir} has format {version}, this Minutebook needs "
            f"{SCHEMA_VERSION}; run `minutebook reindex`"
        )
    try:
        # Our schema object, not the pickled one: the index files never pin our class names.
        return whoosh_index.open_dir(str(index_dir), schema=build_schema())
    except WHOOSH_ERRORS as error:
        raise SearchError(f"cannot open the search index in {index_dir}: {error}") from error


def _read_version(index_dir: Path) -> object:
    """Return the schema version recorded next to the index."""
    try:
        return json.loads((index_dir / _VERSION_FILE).read_text(encoding="utf-8")).get("schema")
    except (OSError, ValueError, AttributeError):
        return None


def create_index(index_dir: Path) -> Index:
    """Create an empty index in index_dir (replacing any there)."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        created = whoosh_index.create_in(str(index_dir), build_schema())
        (index_dir / _VERSION_FILE).write_text(json.dumps({"schema": SCHEMA_VERSION}), encoding="utf-8")
    except WHOOSH_ERRORS as error:
        raise SearchError(f"cannot create a search index in {index_dir}: {error}") from error
    return created


@contextmanager
def write_lock(index_dir: Path, *, timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
    """Hold the index's write lock, waiting up to timeout seconds for another writer to finish.

    The lock file sits beside the index folder, so it also guards a rebuild that swaps the folder.
    """
    path = index_dir.parent / f".{index_dir.name}.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")
    except OSError as error:
        raise SearchError(f"cannot lock the search index in {index_dir}: {error}") from error
    with handle:
        _acquire(handle, index_dir, timeout)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle: Any, index_dir: Path, timeout: float) -> None:
    """Take an exclusive lock on handle within timeout seconds, or raise SearchError."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise SearchError(f"cannot lock the search index in {index_dir}: {error}") from error
        if time.monotonic() >= deadline:
            raise SearchError(
                f"the search index in {index_dir} is being written by another process; "
                f"waited {timeout:g} s, try again when it has finished"
            )
        time.sleep(0.05)


def index_documents(
    index_dir: Path,
    documents: Iterable[Document],
    *,
    procs: int = 1,
    batch_size: int = BATCH_SIZE,
    timeout: float = WRITE_TIMEOUT,
) -> int:
    """Add or replace documents (by key), committing every batch_size; return how many were written.

    procs > 1 analyses in that many processes (worth it for thousands of documents).
    """
    with write_lock(index_dir, timeout=timeout):
        ix = open_index(index_dir) if index_exists(index_dir) else create_index(index_dir)
        return _write_batches(ix, documents, procs=procs, batch_size=batch_size)


def _write_batches(ix: Index, documents: Iterable[Document], *, procs: int, batch_size: int) -> int:
    """Stream documents into commits of batch_size, replacing same-key documents already indexed."""
    written = 0
    iterator = iter(documents)
    while first := next(iterator, None):
        batch = chain([first], islice(iterator, batch_size - 1))
        try:
            written += _write_batch(ix, batch, procs)
        except WHOOSH_ERRORS as error:
            raise SearchError(f"cannot write to the search index: {error}") from error
    return written


def _write_batch(ix: Index, batch: Iterable[Document], procs: int) -> int:
    """Write one batch in one commit; return its size."""
    writer = _writer(ix, procs)
    count = 0
    try:
        with _replacing_searcher(ix, writer) as searcher:
            for document in batch:
                if searcher is not None:
                    _delete_keys(writer, searcher, [str(document["key"])])
                writer.add_document(**document)
                count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


@contextmanager
def _replacing_searcher(ix: Index, writer: IndexWriter) -> Iterator[Any]:
    """Yield a searcher to find documents being replaced, or None when the index is empty."""
    if ix.doc_count_all() == 0:
        yield None
        return
    with writer.searcher() as searcher:
        yield searcher


def _writer(ix: Index, procs: int) -> IndexWriter:
    """Return a writer: several processes each writing its own segment when procs > 1."""
    # compound=False: searchers then map the segment files instead of reading them into memory.
    if procs > 1:
        return ix.writer(procs=procs, multisegment=True, limitmb=LIMIT_MB, compound=False)
    return ix.writer(limitmb=LIMIT_MB, compound=False)


def _delete_keys(writer: IndexWriter, searcher: Any, keys: Iterable[str]) -> int:
    """Delete the documents with these keys through writer; return how many there were."""
    deleted = 0
    for key in keys:
        for docnum in searcher.document_numbers(key=key):
            writer.delete_document(docnum)
            deleted += 1
    return deleted


def delete_documents(index_dir: Path, keys: Iterable[str], *, timeout: float = WRITE_TIMEOUT) -> int:
    """Remove the documents with these keys; return how many were removed."""
    with write_lock(index_dir, timeout=timeout):
        ix = open_index(index_dir)
        try:
            with ix.searcher() as searcher:
                writer = ix.writer(compound=False)
                deleted = _delete_keys(writer, searcher, keys)
            writer.commit()
        except WHOOSH_ERRORS as error:
            raise SearchError(f"cannot delete from the search index: {error}") from error
    return deleted


def replace_kinds(index_dir: Path, kinds: Iterable[str], documents: Iterable[Document], *,
                  timeout: float = WRITE_TIMEOUT) -> int:
    """Replace every document of some kinds with documents, in one commit; return how many were written."""
    with write_lock(index_dir, timeout=timeout):
        ix = open_index(index_dir) if index_exists(index_dir) else create_index(index_dir)
        writer = ix.writer(compound=False)
        count = 0
        try:
            for kind in kinds:
                writer.delete_by_term("kind", kind)
            for document in documents:
                writer.add_document(**document)
                count += 1
        except WHOOSH_ERRORS as error:
            writer.cancel()
            raise SearchError(f"cannot write to the search index: {error}") from error
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    return count


def rebuild(
    index_dir: Path,
    documents: Iterable[Document],
    *,
    procs: int = 2,
    batch_size: int = BATCH_SIZE,
    timeout: float = WRITE_TIMEOUT,
) -> int:
    """Build a fresh index from documents beside the old one, then swap it in; return the count.

    Searches keep using the old index until the swap.
    """
    fresh = index_dir.with_name(index_dir.name + ".new")
    old = index_dir.with_name(index_dir.name + ".old")
    with write_lock(index_dir, timeout=timeout):
        for leftover in (fresh, old):
            shutil.rmtree(leftover, ignore_errors=True)
        written = _write_batches(create_index(fresh), documents, procs=procs, batch_size=batch_size)
        try:
            if index_dir.exists():
                os.rename(index_dir, old)
            os.rename(fresh, index_dir)
        except OSError as error:
            raise SearchError(f"cannot replace the search index in {index_dir}: {error}") from error
        shutil.rmtree(old, ignore_errors=True)
    return written


def indexed_keys(index_dir: Path) -> Iterator[str]:
    """Yield the key of every document in the index."""
    ix = open_index(index_dir)
    try:
        with ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                yield fields["key"]
    except WHOOSH_ERRORS as error:
        raise SearchError(f"cannot read the search index: {error}") from error


def compare(index_dir: Path, store_keys: Iterable[str], *, limit: int = 100) -> IndexComparison:
    """Compare the index with the keys the store says it should hold (for `minutebook check`).

    At most limit keys of each difference are listed.
    """
    expected = set(store_keys)
    indexed = 0
    extra: list[str] = []
    for key in indexed_keys(index_dir):
        indexed += 1
        if key in expected:
            expected.discard(key)
        elif len(extra) < limit:
            extra.append(key)
    return IndexComparison(indexed, tuple(sorted(expected)[:limit]), tuple(extra))


def document_count(index_dir: Path) -> int:
    """Return how many documents the index holds."""
    ix = open_index(index_dir)
    try:
        return int(ix.doc_count())
    except WHOOSH_ERRORS as error:
        raise SearchError(f"cannot read the search index: {error}") from error


def kind_count(index_dir: Path, kind: str) -> int:
    """Return how many documents of one kind (message, meeting, ...) the index holds."""
    ix = open_index(index_dir)
    try:
        with ix.searcher() as searcher:
            return sum(1 for _docnum in searcher.document_numbers(kind=kind))
    except WHOOSH_ERRORS as error:
        raise SearchError(f"cannot read the search index: {error}") from error
