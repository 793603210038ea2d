"""Time the web pages of the io-uring archive through a real server, and print median and p95.

Usage: .venv/bin/python bench/web.py [--data DIR] [MBOX] [--permalinks N] [--repeat N] [--seed S]

With --data naming a data directory that already holds the archive, that is used as it is;
otherwise the io-uring archive (33,493 messages) is imported into a scratch directory first
(20-30 s). Then `minutebook serve` (waitress) runs in a subprocess on a free localhost port and
this script requests, over one keep-alive connection: the list page, the list's busiest month,
the threads of up to 50 random messages, the largest thread, and N random permalinks. It prints the first (cold) request of each kind,
then median and 95th percentile against the targets. It is not a test.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import browse, pipeline, settings, store  # noqa: E402
from archive.web import create_app  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "io-uring" / "io-uring.vger.kernel.org.epoch0.mbox.gz"
# Targets of issue 3 in ms, (median, p95); the largest thread has its own bound: every request under 500.
TARGETS = {"list": (50, 200), "month": (50, 200), "thread": (50, 200), "permalink": (50, 200),
           "largest": (500, 500)}


def prepare(data: Path, mbox: Path) -> None:
    """Import mbox into data unless it already holds messages."""
    engine = settings.engine_for(settings.data_dir(data))
    with engine.connect() as conn:
        if store.message_count(conn):
            return
    started = time.perf_counter()
    summary = pipeline.import_paths(engine, [mbox], list_name="io-uring", workers=2)
    print(f"imported {summary.imported} messages in {time.perf_counter() - started:.1f} s")


def targets(data: Path, permalinks: int, seed: int) -> dict[str, list[str]]:
    """Return the URLs to request, by kind, built by the app itself."""
    app = create_app({"DATA_DIR": str(data)})
    engine = settings.engine_for(data)
    with engine.connect() as conn:
        overview = max(browse.list_overviews(conn), key=lambda o: o.messages)
        month = max(overview.months, key=lambda m: m.messages)
        largest = store.largest_threads(conn)[0]
        ids = random.Random(seed).sample(store.message_ids(conn), permalinks)
        # Threads as readers meet them: those of random messages (big threads come up more often).
        thread_ids = list(dict.fromkeys(filter(None, (store.message_thread_id(conn, mid) for mid in ids))))[:50]
    print(f"list {overview.name}: {overview.messages} messages; busiest month {month.year}-{month.month:02d} "
          f"({month.messages}); largest thread {largest.thread_id} ({largest.messages} messages)")
    with app.test_request_context():
        from flask import url_for

        return {
            "list": [url_for("lists.threads", list_name=overview.name)],
            "month": [url_for("lists.month", list_name=overview.name, year=month.year, month=month.month)],
            "thread": [url_for("threads.thread", thread_id=thread_id) for thread_id in thread_ids],
            "largest": [url_for("threads.thread", thread_id=largest.thread_id)],
            "permalink": [url_for("messages.message", message_id=mid) for mid in ids],
        }


def free_port() -> int:
    """Return a localhost port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(data: Path, port: int) -> subprocess.Popen[bytes]:
    """Start `minutebook serve` on port and wait until it answers."""
    command = [str(Path(sys.executable).with_name("minutebook")), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env={**os.environ, "MINUTEBOOK_DATA": str(data)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not start")


def fetch(conn: http.client.HTTPConnection, url: str) -> float:
    """Request url and return the milliseconds until its whole body arrived."""
    started = time.perf_counter()
    conn.request("GET", url)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        sys.exit(f"{url} answered {response.status}")
    return elapsed


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which fraction of values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def measure(port: int, urls: dict[str, list[str]], repeat: int) -> None:
    """Request every kind of page and print cold, median and p95 times against the targets."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    print(f"{'page':10} {'requests':>8} {'cold ms':>8} {'median':>8} {'p95':>8} {'max':>8}   target (median/p95)")
    for kind, kind_urls in urls.items():
        cold = fetch(conn, kind_urls[0])
        runs = kind_urls * repeat if len(kind_urls) == 1 else kind_urls
        times = [fetch(conn, url) for url in runs]
        median, p95 = statistics.median(times), percentile(times, 0.95)
        goal = TARGETS[kind]
        met = median < goal[0] and p95 < goal[1]
        print(f"{kind:10} {len(times):8d} {cold:8.1f} {median:8.1f} {p95:8.1f} {max(times):8.1f}   "
              f"< {goal[0]}/{goal[1]} ms {'ok' if met else 'MISSED'}")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mbox", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--data", type=Path, help="a data directory holding the archive (else a scratch one)")
    parser.add_argument("--permalinks", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20, help="requests of each single page")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data = (args.data or Path(scratch) / "data").resolve()
        if args.data is None and not args.mbox.exists():
            sys.exit(f"no archive at {args.mbox}")
        prepare(data, args.mbox)
        urls = targets(data, args.permalinks, args.seed)
        port = free_port()
        server = serve(data, port)
        try:
            measure(port, urls, args.repeat)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
