"""mboxrd entries and the gzip stream of the exports."""

from __future__ import annotations

import gzip
from pathlib import Path

from archive.exports import FROM_LINE, gzip_stream, mboxrd_entry
from archive.models import RawItem
from ingest.mbox import iter_mbox


def test_from_lines_get_one_more_quote_and_read_back_unchanged(tmp_path: Path) -> None:
    raws = [
        b"Subject: a\n\nFrom here on\n>From there\n>>From afar\nFromage\n",
        b"Subject: b\n\nno newline at the end",
    ]
    data = b"".join(mboxrd_entry(raw) for raw in raws)
    assert b"\n>From here on\n>>From there\n>>>From afar\nFromage\n" in data
    assert data.count(FROM_LINE) == 2
    path = tmp_path / "out.mbox"
    path.write_bytes(data)
    back = [item.raw for item in iter_mbox(path) if isinstance(item, RawItem)]
    assert back == [raws[0], raws[1] + b"\n"]


def test_gzip_stream_is_one_valid_gzip_member() -> None:
    chunks = [bytes([n % 251]) * 50_000 for n in range(5)]
    out = list(gzip_stream(iter(chunks)))
    assert len(out) > 1, "output is handed on as it is made, not at the end"
    assert gzip.decompress(b"".join(out)) == b"".join(chunks)
    assert gzip.decompress(b"".join(gzip_stream(iter([])))) == b""
