"""Import the io-uring archive into a fresh data directory and print speed and memory.

Usage: .venv/bin/python bench/ingest.py [MBOX] [--workers N] [--no-notmuch]
When `notmuch` is installed it also times `notmuch new` on the same messages (written
to a Maildir first, untimed) and prints the ratio.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import pipeline, settings, store  # noqa: E402
from archive.models import RawItem  # noqa: E402
from ingest.mbox import iter_mbox  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "io-uring" / "io-uring.vger.kernel.org.epoch0.mbox.gz"


def peak_rss_mb(who: int) -> float:
    """Return the peak resident set size in MB of this process or of its waited-for children."""
    return resource.getrusage(who).ru_maxrss / 1024


def time_minutebook(mbox: Path, workers: int) -> tuple[int, float]:
    """Import mbox into a fresh data directory; return (messages, seconds)."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = settings.engine_for(settings.data_dir(Path(scratch) / "data"))
        started = time.perf_counter()
        summary = pipeline.import_paths(engine, [mbox], list_name="io-uring", workers=workers)
        seconds = time.perf_counter() - started
        with engine.connect() as conn:
            lists = store.list_summaries(conn)
        print(f"summary: imported {summary.imported}, duplicates {summary.duplicates}, "
              f"quarantined {summary.quarantined}, threads touched {summary.threads_touched}")
        print(f"lists: {[(s.name, s.messages, s.threads) for s in lists]}")
        db = Path(scratch) / "data" / "minutebook.sqlite3"
        print(f"database size: {db.stat().st_size / 1e6:.0f} MB")
        return summary.imported + summary.duplicates + summary.quarantined, seconds


def time_notmuch(mbox: Path) -> float | None:
    """Write the messages to a Maildir (untimed) and return the seconds `notmuch new` takes."""
    if shutil.which("notmuch") is None:
        return None
    with tempfile.TemporaryDirectory() as scratch:
        maildir = Path(scratch) / "mail"
        (maildir / "cur").mkdir(parents=True)
        for number, item in enumerate(i for i in iter_mbox(mbox) if isinstance(i, RawItem)):
            (maildir / "cur" / f"{number}:2,").write_bytes(item.raw)
        config = Path(scratch) / "notmuch-config"
        config.write_text(f"[database]\npath={maildir}\n[new]\ntags=\n[maildir]\nsynchronize_flags=false\n")
        started = time.perf_counter()
        subprocess.run(["notmuch", "--config", str(config), "new", "--quiet"], check=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mbox", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-notmuch", action="store_true")
    args = parser.parse_args()
    if not args.mbox.exists():
        sys.exit(f"no archive at {args.mbox}")
    count, seconds = time_minutebook(args.mbox, args.workers)
    print(f"minutebook: {count} messages in {seconds:.1f} s = {count / seconds:.0f} messages/s")
    print(f"peak RSS: main process {peak_rss_mb(resource.RUSAGE_SELF):.0f} MB, "
          f"largest worker {peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")
    notmuch = None if args.no_notmuch else time_notmuch(args.mbox)
    if notmuch is not None:
        print(f"notmuch new: {notmuch:.1f} s; minutebook / notmuch = {seconds / notmuch:.2f}")


if __name__ == "__main__":
    main()
