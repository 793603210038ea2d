"""Exports: threads and months as gzip-compressed mboxrd, streamed from the stored raw bytes."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone

from sqlalchemy.engine import Engine

from archive import store
from archive.errors import NotFound

# public-inbox and lore use this constant separator; the real dates are in the headers.
FROM_LINE = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n"
_FROM_QUOTED = re.compile(rb"^(>*From )", re.MULTILINE)
# Bytes compressed before a chunk is handed on: small enough to start streaming at once.
FLUSH_BYTES = 64 * 1024


def mboxrd_entry(raw: bytes) -> bytes:
    """Return one message as an mboxrd entry: separator, body lines ^>*From quoted once more, blank line."""
    if b"From " in raw:
        raw = _FROM_QUOTED.sub(rb">\1", raw)
    if not raw.endswith(b"\n"):
        raw += b"\n"
    return FROM_LINE + raw + b"\n"


def gzip_stream(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Compress chunks into one gzip stream, yielding as output becomes available."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: gzip header and trailer
    pending = 0
    for chunk in chunks:
        pending += len(chunk)
        out = compressor.compress(chunk)
        if pending >= FLUSH_BYTES:
            out += compressor.flush(zlib.Z_SYNC_FLUSH)
            pending = 0
        if out:
            yield out
    yield compressor.flush()


def _stream(engine: Engine, message_pks: Sequence[int]) -> Iterator[bytes]:
    """Yield the gzip mboxrd of the given messages, reading their bytes on a connection of its own."""
    def entries() -> Iterator[bytes]:
        with engine.connect() as conn:
            for raw in store.raw_messages(conn, message_pks):
                yield mboxrd_entry(raw)

    return gzip_stream(entries())


def thread_mbox(engine: Engine, thread_id: str) -> Iterator[bytes]:
    """Return a stream of a thread's messages (by date) as gzip mboxrd; NotFound before streaming."""
    with engine.connect() as conn:
        keys = store.thread_message_keys(conn, thread_id)
    if not keys:
        raise NotFound(f"no thread {thread_id!r}")
    return _stream(engine, keys)


def threads_mbox(engine: Engine, thread_ids: Sequence[str]) -> Iterator[bytes]:
    """Return a stream of several threads' messages, thread after thread, as gzip mboxrd."""
    with engine.connect() as conn:
        keys = [key for thread_id in thread_ids for key in store.thread_message_keys(conn, thread_id)]
    return _stream(engine, keys)


def month_mbox(engine: Engine, list_name: str, year: int, month: int) -> Iterator[bytes]:
    """Return a stream of one list's messages of one month (by date) as gzip mboxrd."""
    if not (1 <= year <= 9998 and 1 <= month <= 12):
        raise NotFound(f"no month {year}-{month:02d}")
    start = datetime(year, month, 1, tzinfo=timezone.utc)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc)
    with engine.connect() as conn:
        keys = store.month_message_keys(conn, list_name, start, end)
    if not keys:
        raise NotFound(f"{list_name} has no messages in {year}-{month:02d}")
    return _stream(engine, keys)
