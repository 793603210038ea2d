"""Measure search quality on real information needs: share found in the top 5, and MRR.

Usage: .venv/bin/python bench/search_quality.py [--data DIR] [--needs FILE] [--verbose]

The needs (bench/search_needs.json) name the threads a person would want by their root
Message-ID. Without --data, the ksummit and io-uring archives are imported into a scratch
data directory and indexed first (about two minutes); with --data, an existing data directory
holding those archives and their index is searched as it is (and kept).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import pipeline, settings  # noqa: E402
from archive.threads import thread_id_for  # noqa: E402
from search.indexer import index_dir_for  # noqa: E402
from search.query import search  # noqa: E402
from search.results import SearchResults  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
NEEDS = ROOT / "bench" / "search_needs.json"
# Rank results as of the end of the corpora, so the recency boost gives the same results any day.
NOW = datetime(2026, 7, 20, tzinfo=timezone.utc)
DEPTH = 20  # hits looked at per need (MRR counts a thread found deeper as 0)


def build(data: Path, archives: dict[str, str]) -> None:
    """Import and index the archives into data, as `minutebook ingest` does."""
    engine = settings.engine_for(settings.data_dir(data))
    for list_name, relative in archives.items():
        summary = pipeline.import_paths(engine, [CORPORA / relative], list_name=list_name,
                                        index_dir=index_dir_for(data))
        print(f"imported and indexed {list_name}: {summary.imported} messages in {summary.seconds:.1f} s")


def rank_of(results: SearchResults, wanted: set[str]) -> int | None:
    """Return the 1-based rank of the first hit in a wanted thread, if any."""
    for rank, hit in enumerate(results.hits, 1):
        if hit.thread_id in wanted:
            return rank
    return None


def evaluate(data: Path, needs: list[dict[str, object]], verbose: bool) -> None:
    """Run every need's query and print its rank, then the summary figures."""
    index_dir = index_dir_for(data)
    ranks: list[int | None] = []
    for need in needs:
        wanted = {thread_id_for(str(root)) for root in need["wanted"]}  # type: ignore[attr-defined]
        results = search(index_dir, str(need["query"]), page_size=DEPTH, now=NOW)
        rank = rank_of(results, wanted)
        ranks.append(rank)
        mark = f"{rank:2}" if rank else " -"
        print(f"{mark}  {need['id']:28} {need['query']}")
        if verbose and (rank is None or rank > 5):
            for hit in results.hits[:5]:
                print(f"        {hit.date:%Y-%m-%d} {hit.title[:80]}" if hit.date else f"        {hit.title[:80]}")
            if results.warnings:
                print(f"        warnings: {results.warnings}")
    found = sum(1 for r in ranks if r is not None and r <= 5)
    mrr = sum(1 / r for r in ranks if r is not None) / len(ranks)
    top1 = sum(1 for r in ranks if r == 1)
    print(f"\n{len(ranks)} needs: {found} in the top 5 ({found / len(ranks):.0%}), "
          f"{top1} first ({top1 / len(ranks):.0%}), MRR@{DEPTH} {mrr:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, help="an existing data directory with the archives indexed")
    parser.add_argument("--needs", type=Path, default=NEEDS)
    parser.add_argument("--verbose", action="store_true", help="show the top hits of needs not in the top 5")
    args = parser.parse_args()
    judgements = json.loads(args.needs.read_text(encoding="utf-8"))
    if args.data is not None:
        evaluate(args.data, judgements["needs"], args.verbose)
        return
    if not CORPORA.is_dir():
        sys.exit(f"no corpora at {CORPORA}")
    with tempfile.TemporaryDirectory() as scratch:
        build(Path(scratch) / "data", judgements["archives"])
        evaluate(Path(scratch) / "data", judgements["needs"], args.verbose)


if __name__ == "__main__":
    main()
