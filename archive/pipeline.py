"""Run an import: read sources, parse in worker processes, store in batches, then thread."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType

from sqlalchemy.engine import Engine

from archive import derive, indexing, items, linking, meetings, store
from archive.errors import IngestError, MessageRejected
from archive.models import ImportSummary, RawItem, SourceError
from archive.store import PreparedMessage
from ingest.maildir import message_files
from ingest.message import parse_message
from ingest.sources import default_list_name, detect_format, iter_source

# Messages sent to a worker at once, and stored per transaction.
CHUNK_SIZE = 500
# A message that takes longer than this to parse is quarantined, not waited for.
PARSE_SECONDS = 10

Progress = Callable[[int], None]
# How each kind of meeting record is imported.
MEETING_READERS = {"meetbot": meetings.import_meeting_file, "scribe": meetings.import_scribe_file,
                   "recap": meetings.import_recap_file}


@dataclass(frozen=True)
class Parsed:
    """What parsing one item gave: its storage rows (without the raw bytes), or why it failed."""

    prepared: PreparedMessage | None
    reason: str = ""


Item = RawItem | SourceError
Outcome = Parsed | SourceError


def import_paths(
    engine: Engine,
    paths: Sequence[Path],
    *,
    list_name: str | None = None,
    fmt: str = "auto",
    workers: int = 2,
    progress: Progress | None = None,
    index_dir: Path | None = None,
    index_procs: int = 2,
    private: bool = False,
) -> ImportSummary:
    """Import every path into the store, thread what arrived, index it, and return the summary.

    Without index_dir nothing is indexed (the store alone, for tests and benchmarks of it).
    index_procs > 1 indexes in that many processes (worth it for thousands of messages).
    private makes the lists and series imported private before anything of them is stored.
    """
    started = time.perf_counter()
    counts = {"imported": 0, "duplicates": 0, "quarantined": 0}
    errors: list[str] = []
    meetings_written: list[str] = []
    with _parser(workers) as parse_chunks:
        for path in paths:
            for source, path_format, name in _units(path, fmt, list_name, errors):
                if path_format in MEETING_READERS:
                    meeting_ids, notes = MEETING_READERS[path_format](engine, source, private=private)
                    meetings_written += meeting_ids
                    errors += notes
                    continue
                if private:
                    with engine.begin() as conn:
                        store.make_private(conn, "list", name)
                chunks = _chunked(iter_source(source, path_format))
                _store_all(engine, parse_chunks(chunks), name, counts, errors, progress)
    touched = derive.thread_pending(engine)
    found = items.derive_items(engine, touched, meetings_written)
    linking.derive_links(engine, (), meetings_written)  # messages' links were stored with them
    indexed = indexing.update_index(engine, index_dir, touched, meeting_ids=meetings_written,
                                    procs=index_procs) if index_dir else 0
    return ImportSummary(
        imported=counts["imported"],
        duplicates=counts["duplicates"],
        quarantined=counts["quarantined"],
        threads_touched=len(touched),
        indexed=indexed,
        meetings=len(meetings_written),
        actions=found["action"],
        decisions=found["decision"],
        seconds=time.perf_counter() - started,
        errors=tuple(errors),
    )


def _units(
    path: Path, fmt: str, list_name: str | None, errors: list[str]
) -> Iterator[tuple[Path, str, str]]:
    """Yield (source, format, list) for a path; a folder is walked and each file detected."""
    try:
        path_format = detect_format(path) if fmt == "auto" else fmt
    except IngestError as error:
        errors.append(str(error))
        return
    if not path.is_dir() or path_format in ("public-inbox", "archive-pages"):
        yield path, path_format, list_name or default_list_name(path, path_format)
        return
    # A folder may mix message files (Maildir, .eml) with monthly archives: detect each file.
    folder_list = list_name or default_list_name(path, path_format)
    for file in message_files(path):
        try:
            file_format = detect_format(file) if fmt == "auto" else _file_format(fmt)
        except IngestError as error:
            errors.append(str(error))
            continue
        if file_format == "eml":
            yield file, "eml", folder_list
        else:
            yield file, file_format, list_name or default_list_name(file, file_format)


def _file_format(folder_format: str) -> str:
    """Return the format of each file in a folder imported with a forced format."""
    return "eml" if folder_format in ("maildir", "eml") else folder_format


def _store_all(
    engine: Engine,
    results: Iterable[tuple[list[Item], list[Outcome]]],
    list_name: str,
    counts: dict[str, int],
    errors: list[str],
    progress: Progress | None,
) -> None:
    """Store parsed chunks in a writer thread, so disk writes overlap reading and parsing."""
    # SQLite does its work without the GIL, so one writer thread runs beside this one.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="minutebook-writer") as writer:
        pending: deque[Future[StoredChunk]] = deque()
        for chunk, outcomes in results:
            pending.append(writer.submit(_store_chunk, engine, chunk, outcomes, list_name))
            while len(pending) > 2 or (pending and pending[0].done()):
                _account(pending.popleft().result(), counts, errors, progress)
        while pending:
            _account(pending.popleft().result(), counts, errors, progress)


@dataclass(frozen=True)
class StoredChunk:
    """What storing one chunk did."""

    items: int
    added: int
    duplicates: int
    quarantined: int
    errors: tuple[str, ...]


def _store_chunk(engine: Engine, items: list[Item], outcomes: list[Outcome], list_name: str) -> StoredChunk:
    """Store one parsed chunk in one transaction, quarantining what failed."""
    good: list[PreparedMessage] = []
    errors: list[str] = []
    quarantined = 0
    with engine.begin() as conn:
        for item, outcome in zip(items, outcomes):
            if isinstance(outcome, SourceError):
                errors.append(f"{outcome.source} at {outcome.offset}: {outcome.reason}")
                quarantined += store.add_quarantine(conn, outcome.source, outcome.offset, outcome.reason, outcome.raw)
            elif outcome.prepared is None:
                assert isinstance(item, RawItem)
                quarantined += store.add_quarantine(conn, item.source, item.offset, outcome.reason, item.raw)
            else:
                assert isinstance(item, RawItem)
                good.append(replace(outcome.prepared, raw=item.raw))  # the bytes never left this process
        added, duplicates = store.add_messages(conn, good, list_name) if good else (0, 0)
    return StoredChunk(len(items), added, duplicates, quarantined, tuple(errors))


def _account(stored: StoredChunk, counts: dict[str, int], errors: list[str], progress: Progress | None) -> None:
    """Add one stored chunk to the running totals."""
    counts["imported"] += stored.added
    counts["duplicates"] += stored.duplicates
    counts["quarantined"] += stored.quarantined
    errors.extend(stored.errors)
    if progress:
        progress(stored.items)


def _chunked(items: Iterable[Item]) -> Iterator[list[Item]]:
    """Group items into lists of CHUNK_SIZE."""
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


ChunkParser = Callable[[Iterable[list[Item]]], Iterator[tuple[list[Item], list[Outcome]]]]


@contextmanager
def _parser(workers: int) -> Iterator[ChunkParser]:
    """Yield a function that parses chunks in order, in worker processes when workers > 0."""
    if workers <= 0:
        previous = _install_alarm() if threading.current_thread() is threading.main_thread() else None
        try:
            yield lambda chunks: ((chunk, parse_chunk(chunk)) for chunk in chunks)
        finally:
            if previous is not None:
                signal.signal(signal.SIGALRM, previous)
        return
    # forkserver, not fork: forked workers would inherit the pipes of running readers (git
    # cat-file) and keep them open, so those readers would never see end-of-input.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_install_alarm) as pool:
        yield lambda chunks: _parse_in_pool(pool, chunks, workers)


def _parse_in_pool(
    pool: ProcessPoolExecutor, chunks: Iterable[list[Item]], workers: int
) -> Iterator[tuple[list[Item], list[Outcome]]]:
    """Parse chunks in the pool, in order, with a bounded number in flight (bounded memory)."""
    in_flight: deque[tuple[list[Item], Future[list[Outcome]]]] = deque()
    for chunk in chunks:
        in_flight.append((chunk, pool.submit(parse_chunk, chunk)))
        if len(in_flight) > 2 * workers:
            done, future = in_flight.popleft()
            yield done, future.result()
    while in_flight:
        done, future = in_flight.popleft()
        yield done, future.result()


def parse_chunk(chunk: list[Item]) -> list[Outcome]:
    """Parse every item of a chunk into storage rows, each failure becoming its reason."""
    return [item if isinstance(item, SourceError) else parse_item(item) for item in chunk]


def parse_item(item: RawItem) -> Parsed:
    """Parse one item; any failure is kept as the reason (this is the per-item import loop)."""
    try:
        with _time_limit(PARSE_SECONDS):
            message = parse_message(
                item.raw, envelope=item.envelope, archive_month=item.archive_month, source_url=item.source_url
            )
    except MessageRejected as error:
        return Parsed(None, f"rejected: {error}")
    except Exception as error:  # noqa: BLE001 - quarantine anything the parser did not foresee
        return Parsed(None, f"parser failed: {type(error).__name__}: {error}")
    # The raw bytes are dropped here: the importing process still has them.
    prepared = store.prepare_message(message, item.source, item.offset)
    return Parsed(replace(prepared, raw=b"", links=linking.links_of_message(message)))


def _install_alarm() -> signal.Handlers | Callable[..., object] | int | None:
    """Make SIGALRM raise so a runaway parse can be cut short; return the old handler."""
    return signal.signal(signal.SIGALRM, _on_alarm)


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise MessageRejected(f"parsing took longer than {PARSE_SECONDS} s")


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Raise MessageRejected if the block runs longer than seconds (main thread only)."""
    if signal.getsignal(signal.SIGALRM) is not _on_alarm:
        yield  # no handler installed (e.g. a thread): run without a limit
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
