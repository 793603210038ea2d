"""Stream messages out of mbox files (plain or gzip) with a strict From_ separator rule."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple, cast

from archive.errors import IngestError
from archive.models import RawItem, SourceError

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_SIZE = 1 << 20

# (separator line, the line after it, whether the line before it is blank) -> is it a separator?
SeparatorTest = Callable[[bytes, bytes, bool], bool]
Unescape = Callable[[bytes], bytes]

_DAY = rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_TIME = rb"\d{1,2}:\d\d(?::\d\d)?"
_ZONE = rb"(?:[A-Z]{1,5}|[+-]\d{4})"
# asctime ("Thu Jan  1 00:00:00 1970"), with the zone before or after the year as some
# writers put it, or the RFC 2822 order ("Thu, 01 Jan 1970 00:00:00 +0000") a few tools use.
_DATE = (
    rb"(?:" + _DAY + rb" +" + _MONTH + rb" +\d{1,2} +" + _TIME
    + rb"(?: +" + _ZONE + rb")* +\d{4}(?: +" + _ZONE + rb")?"
    + rb"|" + _DAY + rb", +\d{1,2} +" + _MONTH + rb" +\d{4} +" + _TIME + rb"(?: +" + _ZONE + rb")?)"
)
FROM_LINE = re.compile(rb"From (.*?) +" + _DATE + rb"(?: remote from \S+)?[ \t]*\r?\n?\Z")

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
MONTH_ARCHIVE_NAME = re.compile(r"(\d{4})-(" + "|".join(_MONTHS) + r")\.txt(?:\.gz)?\Z")

_MBOXRD_ESCAPE = re.compile(rb"^>(>*From )", re.MULTILINE)
_MBOXO_ESCAPE = re.compile(rb"^>(From )", re.MULTILINE)
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")


class _Origin(NamedTuple):
    """What every item split from one stream shares."""

    source: str
    unescape: Unescape
    month: tuple[int, int] | None


def open_stream(path: Path) -> BinaryIO:
    """Open a file for binary reading, decompressing it when it starts with the gzip magic."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == GZIP_MAGIC:
        return cast(BinaryIO, gzip.open(path, "rb"))
    return path.open("rb")


def archive_month(path: Path) -> tuple[int, int] | None:
    """Return (year, month) when the file is named like a monthly archive, `2019-April.txt.gz`."""
    match = MONTH_ARCHIVE_NAME.match(path.name)
    if match is None:
        return None
    return int(match.group(1)), _MONTHS.index(match.group(2)) + 1


def is_mbox_separator(line: bytes, next_line: bytes, blank_before: bool) -> bool:
    """Tell whether a `From ` line separates messages in an mbox (strict rule)."""
    return blank_before and FROM_LINE.match(line) is not None


def mbox_unescaper(dialect: str) -> Unescape:
    """Return the function that undoes an mbox dialect's `>From` quoting."""
    if dialect == "mboxrd":
        return lambda data: _MBOXRD_ESCAPE.sub(rb"\1", data) if b">From " in data else data
    if dialect == "mboxo":
        return lambda data: _MBOXO_ESCAPE.sub(rb"\1", data) if b">From " in data else data
    if dialect == "none":
        return lambda data: data
    raise IngestError(f"unknown mbox dialect {dialect!r}: use mboxrd, mboxo or none")


def iter_mbox(path: Path, *, dialect: str = "mboxrd") -> Iterator[RawItem | SourceError]:
    """Yield each message of an mbox file (plain or gzip) as it is read."""
    unescape = mbox_unescaper(dialect)
    with open_stream(path) as stream:
        yield from split_stream(
            stream, str(path), is_mbox_separator, unescape, month=archive_month(path)
        )


def split_stream(
    stream: BinaryIO,
    source: str,
    is_separator: SeparatorTest,
    unescape: Unescape,
    *,
    month: tuple[int, int] | None = None,
) -> Iterator[RawItem | SourceError]:
    """Split a stream into messages at the `From ` lines that is_separator accepts."""
    origin = _Origin(source, unescape, month)
    read = getattr(stream, "read1", stream.read)  # read1: a truncated gzip loses no data
    # Two virtual newlines make the start of the stream look like it follows a blank line,
    # so the first From_ line needs no special case; base is the stream offset of buf[0].
    buf = bytearray(b"\n\n")
    base = -2
    envelope: bytes | None = None  # None while reading data before the first separator
    body_start, scan = 2, 1
    eof = False
    truncated: str | None = None
    while True:
        nl = buf.find(b"\nFrom ", scan)
        line_end = buf.find(b"\n", nl + 1) if nl >= 0 else -1
        next_end = buf.find(b"\n", line_end + 1) if line_end >= 0 else -1
        if next_end < 0 and not eof:
            # The candidate (or a "\nFrom " cut by the chunk edge) needs more data.
            scan = nl if nl >= 0 else max(scan, len(buf) - 5)
            try:
                chunk = read(CHUNK_SIZE)
            except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
                chunk, truncated = b"", f"truncated gzip: {exc}"
            buf += chunk
            eof = not chunk
            continue
        if nl < 0:
            break
        start = nl + 1
        line, next_line = _two_lines(buf, start, line_end, next_end)
        blank_before = buf[nl - 1] == 10 or buf[nl - 2 : nl] == b"\n\r"
        if not is_separator(line, next_line, blank_before):
            scan = start
            continue
        yield from _finish(bytes(buf[body_start:start]), envelope, base, origin)
        del buf[:start]
        base += start
        envelope = line
        body_start = len(line)
        scan = body_start - 1
    yield from _finish_last(bytes(buf), envelope, body_start, base, origin, truncated)


def _finish(
    data: bytes, envelope: bytes | None, base: int, origin: _Origin
) -> Iterator[RawItem | SourceError]:
    """Yield one complete message, or the data found before the first separator."""
    if envelope is None:
        if data.strip():
            yield SourceError(origin.source, 0, "data before the first From_ line", data)
        return
    yield RawItem(
        raw=origin.unescape(_drop_separator_blank(data)),
        source=origin.source,
        offset=base,
        envelope=envelope.rstrip(b"\r\n").decode("latin-1"),
        archive_month=origin.month,
    )


def _finish_last(
    buf: bytes,
    envelope: bytes | None,
    body_start: int,
    base: int,
    origin: _Origin,
    truncated: str | None,
) -> Iterator[RawItem | SourceError]:
    """Yield the last message, then a SourceError when the stream was cut short."""
    if truncated is None:
        yield from _finish(buf[body_start:], envelope, base, origin)
    elif envelope is not None and _has_headers(buf[body_start:]):
        yield from _finish(buf[body_start:], envelope, base, origin)
        yield SourceError(origin.source, base + len(buf), truncated)
    elif envelope is not None:  # cut inside the headers: quarantine the part with its From_ line
        yield SourceError(origin.source, base, truncated, buf)
    else:
        yield SourceError(origin.source, 0, truncated, buf[body_start:])


def _two_lines(buf: bytearray, start: int, line_end: int, next_end: int) -> tuple[bytes, bytes]:
    """Return the line at start and the one after it (an end of -1 means end of data)."""
    if line_end < 0:
        return bytes(buf[start:]), b""
    if next_end < 0:
        return bytes(buf[start : line_end + 1]), bytes(buf[line_end + 1 :])
    return bytes(buf[start : line_end + 1]), bytes(buf[line_end + 1 : next_end + 1])


def _drop_separator_blank(data: bytes) -> bytes:
    """Remove the blank line that precedes the next From_ line."""
    if data.endswith(b"\r\n\r\n"):
        return data[:-2]
    if data.endswith(b"\n\n"):
        return data[:-1]
    return data


def _has_headers(data: bytes) -> bool:
    """Tell whether a partial message has a complete header block."""
    if _HEADER_LINE.match(data) is None:
        return False
    return b"\n\n" in data or b"\n\r\n" in data
