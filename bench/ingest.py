"""Import the io-uring archive into fresh data directories and print speed and memory.

Usage: .venv/bin/python bench/ingest.py [MBOX] [--workers N] [--no-notmuch]
It imports twice: into the store alone, then into the store and the search index (as
`minutebook ingest` does). When `notmuch` is installed it also times `notmuch new` on the same
messages (written to a Maildir first, untimed) and prints the ratios.
"""

from __future__ import annotations

import argparse
import email
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from email.policy import compat32
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import pipeline, settings, store  # noqa: E402
from archive.models import RawItem  # noqa: E402
from ingest.mbox import iter_mbox  # noqa: E402
from search.indexer import index_dir_for  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "io-uring" / "io-uring.vger.kernel.org.epoch0.mbox.gz"


class TreeMemory:
    """Sample the memory of this process and all its descendants (parser and indexer workers).

    The largest process is measured by its resident set (RSS). The total adds proportional set
    sizes (PSS) instead: forked workers share their parent's pages, which RSS would count twice.
    """

    def __init__(self) -> None:
        self.peak_total_mb = 0.0
        self.peak_process_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            found = [sizes for pid, sizes in _processes() if _descends_from(pid, os.getpid())]
            if found:
                self.peak_total_mb = max(self.peak_total_mb, sum(pss for _rss, pss in found))
                self.peak_process_mb = max(self.peak_process_mb, max(rss for rss, _pss in found))


def _processes() -> list[tuple[int, tuple[float, float]]]:
    """Return (pid, (resident MB, proportional MB)) of every process we can read."""
    found = []
    for rollup in Path("/proc").glob("[0-9]*/smaps_rollup"):
        try:
            text = rollup.read_text()
        except OSError:
            continue
        sizes = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in text.splitlines()[1:]}
        if "Rss" in sizes:
            found.append((int(rollup.parent.name), (sizes["Rss"], sizes.get("Pss", sizes["Rss"]))))
    return found


def _descends_from(pid: int, ancestor: int) -> bool:
    """Tell whether pid is ancestor or one of its descendants."""
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            return False
    return False


def time_minutebook(mbox: Path, workers: int, *, index: bool) -> tuple[int, float]:
    """Import mbox into a fresh data directory (and index it when index); return (messages, seconds)."""
    with tempfile.TemporaryDirectory() as scratch:
        data = settings.data_dir(Path(scratch) / "data")
        engine = settings.engine_for(data)
        index_dir = index_dir_for(data) if index else None
        started = time.perf_counter()
        summary = pipeline.import_paths(engine, [mbox], list_name="io-uring", workers=workers,
                                        index_dir=index_dir, index_procs=max(1, workers))
        seconds = time.perf_counter() - started
        with engine.connect() as conn:
            lists = store.list_summaries(conn)
        print(f"summary: imported {summary.imported}, duplicates {summary.duplicates}, "
              f"quarantined {summary.quarantined}, threads touched {summary.threads_touched}, "
              f"indexed {summary.indexed}")
        print(f"lists: {[(s.name, s.messages, s.threads) for s in lists]}")
        print(f"database size: {(data / 'minutebook.sqlite3').stat().st_size / 1e6:.0f} MB")
        if index_dir is not None:
            print(f"index size: {sum(f.stat().st_size for f in index_dir.iterdir()) / 1e6:.0f} MB")
        return summary.imported + summary.duplicates + summary.quarantined, seconds


def baseline_rate(mbox: Path, count: int = 5000) -> float:
    """Return messages per second of the bare compat32 parser on one core, over the first count.

    Issue 2's target was set when this read about 6,000 messages per second; printing it beside
    our figure shows how fast this machine is today.
    """
    raws = [item.raw for item in islice((i for i in iter_mbox(mbox) if isinstance(i, RawItem)), count)]
    started = time.perf_counter()
    for raw in raws:
        email.message_from_bytes(raw, policy=compat32)
    return len(raws) / (time.perf_counter() - started)


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
    print(f"bare compat32 parser, one core: {baseline_rate(args.mbox):.0f} messages/s")
    timings = {}
    for label, index in (("store only", False), ("store and search index", True)):
        print(f"--- {label}")
        with TreeMemory() as memory:
            count, seconds = time_minutebook(args.mbox, args.workers, index=index)
        timings[label] = seconds
        print(f"minutebook ({label}): {count} messages in {seconds:.1f} s = {count / seconds:.0f} messages/s")
        print(f"peak memory: largest process {memory.peak_process_mb:.0f} MB (RSS), "
              f"all processes together {memory.peak_total_mb:.0f} MB (PSS)")
    notmuch = None if args.no_notmuch else time_notmuch(args.mbox)
    if notmuch is not None:
        print(f"notmuch new: {notmuch:.1f} s")
        for label, seconds in timings.items():
            print(f"minutebook ({label}) / notmuch = {seconds / notmuch:.2f}")


if __name__ == "__main__":
    main()
