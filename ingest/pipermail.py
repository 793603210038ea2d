"""Stream messages out of Mailman 2 Pipermail monthly archives (`YYYY-Month.txt(.gz)`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from archive.models import RawItem, SourceError
from ingest.mbox import archive_month, mbox_unescaper, open_stream, split_stream

# Pipermail obfuscates the address ("user at host", "m@x @ending from gm@il@com") and may
# leave spaces in it, so only the asctime date that ends the line can be trusted.
_ENDS_IN_ASCTIME = re.compile(
    rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    rb" +\d{1,2} +\d{1,2}:\d\d:\d\d +\d{4}[ \t]*\r?\n?\Z"
)
_NO_UNESCAPING = mbox_unescaper("none")  # Pipermail does not quote body lines that start "From "


def is_pipermail_separator(line: bytes, next_line: bytes, blank_before: bool) -> bool:
    """Tell whether a `From ` line starts a message: it ends in a date and a From: follows."""
    # Body lines are not escaped, so the From: header is what tells them apart.
    return next_line.startswith(b"From:") and _ENDS_IN_ASCTIME.search(line) is not None


def month_files(folder: Path) -> list[Path]:
    """Return a folder's monthly archive files in calendar order, one file per month."""
    chosen: dict[tuple[int, int], Path] = {}
    for file in sorted(folder.iterdir()):
        month = archive_month(file)
        # Mailman keeps 2019-May.txt next to its nightly 2019-May.txt.gz; the plain one is newer.
        if month and file.is_file() and (month not in chosen or file.suffix == ".txt"):
            chosen[month] = file
    return [chosen[month] for month in sorted(chosen)]


def iter_pipermail(path: Path) -> Iterator[RawItem | SourceError]:
    """Yield each message of a monthly archive file, or of every month file in a folder."""
    for file in month_files(path) if path.is_dir() else [path]:
        with open_stream(file) as stream:
            month = archive_month(file)
            yield from split_stream(
                stream, str(file), is_pipermail_separator, _NO_UNESCAPING, month=month
            )

