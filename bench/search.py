"""Time 200+ realistic searches of the indexed io-uring archive; print median and p95.

Usage: .venv/bin/python bench/search.py [--data DIR] [--repeat N]

Without --data, the io-uring archive is imported and indexed into a scratch data directory
first (and the time is printed); with --data, that directory's index is searched. Queries are
1-3 words, phrases, prefixes, date ranges, and some sorted by date; each runs through the search
function, then as a results page from `minutebook serve` on a free localhost port.
"""

from __future__ import annotations

import argparse
import http.client
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import pipeline, settings  # noqa: E402
from bench.web import fetch, free_port, percentile, serve  # noqa: E402
from search.indexer import index_dir_for  # noqa: E402
from search.query import search  # noqa: E402

# Targets of issue 4 in ms, (median, p95).
FUNCTION_TARGET = (30, 150)
PAGE_TARGET = (60, 250)
MBOX = ROOT.parent / "shared" / "corpora" / "io-uring" / "io-uring.vger.kernel.org.epoch0.mbox.gz"

WORDS = """sqpoll buffer cancel timeout io_uring_enter IORING_OP_READV fixed registered poll accept napi
futex waitid splice openat statx fsync fallocate recvmsg sendmsg zerocopy multishot link drain overflow
cqe sqe io-wq worker credentials personality restrictions eventfd iopoll kiocb task_work tctx ublk nvme
uring_cmd syzbot KASAN deadlock regression liburing benchmark performance latency leak refcount percpu
rcu lockdep selftest getdents xattr socket shutdown mmap hugepage bpf audit cgroup numa affinity
fs/io_uring.c io_uring/net.c v5.10 5.15 IORING_SETUP_SQPOLL IORING_REGISTER_BUFFERS io_kiocb req->flags
""".split()
PHRASES = ["fixed buffers", "registered files", "memory leak", "use after free", "linked timeout",
           "task work", "submission queue", "completion queue", "short read", "provided buffers",
           "null pointer dereference", "ring mapped", "zero copy", "busy poll", "file table"]
PREFIXED = ["f:axboe", "f:asml.silence", "f:haoxu", "f:csander", "s:sqpoll", "s:io_uring/net", "s:liburing",
            "s:\"GIT PULL\"", "t:io-uring@vger.kernel.org", "c:netdev", "f:syzbot", "s:regression"]
DATES = ["d:2020", "d:2021-01..2021-06", "d:..2020-06", "d:2024-01-01..", "d:2022", "d:2023-03..2023-09"]


def queries(count: int = 240, seed: int = 7) -> list[tuple[str, str]]:
    """Return (query, sort) pairs: a fixed mix of the kinds of searches people make."""
    pick = random.Random(seed)
    made: list[tuple[str, str]] = []
    while len(made) < count:
        kind = len(made) % 8
        if kind in (0, 1):
            q = pick.choice(WORDS)
        elif kind == 2:
            q = " ".join(pick.sample(WORDS, 2))
        elif kind == 3:
            q = " ".join(pick.sample(WORDS, 3))
        elif kind == 4:
            q = f'"{pick.choice(PHRASES)}"'
        elif kind == 5:
            q = f"{pick.choice(PREFIXED)} {pick.choice(WORDS)}"
        elif kind == 6:
            q = f"{pick.choice(WORDS)} {pick.choice(DATES)}"
        else:
            q = f"{pick.choice(PREFIXED)} {pick.choice(DATES)}"
        made.append((q, "-date" if len(made) % 5 == 4 else "relevance"))
    return made


def build(data: Path) -> None:
    """Import and index io-uring into data as `minutebook ingest` does, printing time and memory."""
    engine = settings.engine_for(settings.data_dir(data))
    index_dir = index_dir_for(data)
    summary = pipeline.import_paths(engine, [MBOX], list_name="io-uring", index_dir=index_dir)
    size = sum(f.stat().st_size for f in index_dir.iterdir()) / 1e6
    print(f"import and index: {summary.imported} messages in {summary.seconds:.1f} s, index {size:.0f} MB; "
          f"peak RSS main {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, largest child "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")


def report(label: str, timings: list[float], goal: tuple[int, int]) -> None:
    """Print median, p95 and max of timings (ms) against the (median, p95) goal."""
    ordered = sorted(timings)
    median, p95 = statistics.median(ordered), percentile(ordered, 0.95)
    met = "ok" if median < goal[0] and p95 < goal[1] else "MISSED"
    print(f"{label}: {len(ordered)} searches, median {median:.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms "
          f"(target < {goal[0]}/{goal[1]} ms: {met})")


def measure_pages(data: Path, repeat: int) -> None:
    """Request every query's results page from `minutebook serve` and print latency figures."""
    port = free_port()
    server = serve(data, port)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        fetch(conn, "/search?q=warm+up")
        timings = [fetch(conn, f"/search?{urlencode({'q': q, 'sort': sort})}")
                   for _ in range(repeat) for q, sort in queries()]
        conn.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    report("page /search", timings, PAGE_TARGET)


def measure(data: Path, repeat: int) -> None:
    """Run every query (after one warm-up search) and print latency figures."""
    index_dir = index_dir_for(data)
    started = time.perf_counter()
    search(index_dir, "warm up")
    print(f"first search (opens the index): {(time.perf_counter() - started) * 1000:.0f} ms")
    timings: list[float] = []
    slowest: list[tuple[float, str]] = []
    incomplete = 0
    for _ in range(repeat):
        for q, sort in queries():
            started = time.perf_counter()
            results = search(index_dir, q, sort=sort)
            elapsed = (time.perf_counter() - started) * 1000
            timings.append(elapsed)
            slowest.append((elapsed, f"{q} [{sort}]"))
            incomplete += not results.complete
    report("function search()", timings, FUNCTION_TARGET)
    print(f"  {incomplete} cut by the time limit")
    for elapsed, q in sorted(slowest, reverse=True)[:5]:
        print(f"  slow: {elapsed:7.1f} ms  {q}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, help="a data directory with io-uring imported and indexed")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.data is not None:
        measure(args.data, args.repeat)
        measure_pages(args.data.resolve(), args.repeat)
        return
    if not MBOX.exists():
        sys.exit(f"no archive at {MBOX}")
    with tempfile.TemporaryDirectory() as scratch:
        build(Path(scratch) / "data")
        measure(Path(scratch) / "data", args.repeat)
        measure_pages(Path(scratch) / "data", args.repeat)


if __name__ == "__main__":
    main()
