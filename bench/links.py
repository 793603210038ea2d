"""Measure reference detection against a judged sample: precision and recall of the keys found.

Usage: .venv/bin/python bench/links.py [--gold FILE] [--verbose]

bench/links_gold.json was written by a person who did not read archive/links.py: real mail from
../shared/corpora (io-uring, ksummit, fedora-devel, r-devel), excerpts of real meeting logs, and
synthetic texts for the forms the corpora lack, each with the keys it references. This script
runs the importer's detector on each and prints precision and recall overall and by kind of key.
It is not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.links import line_references, references, repository_of  # noqa: E402
from archive.models import RawItem  # noqa: E402
from ingest.sources import detect_format, iter_source  # noqa: E402
from ingest.message import parse_message  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
GOLD = ROOT / "bench" / "links_gold.json"


def found_keys(samples: list[dict[str, object]]) -> dict[str, set[str]]:
    """Run the detector on every sample, reading each corpus once; return keys by sample id."""
    found: dict[str, set[str]] = {}
    wanted: dict[str, dict[str, str]] = {}  # corpus file -> Message-ID -> sample id
    for sample in samples:
        sample_id, corpus = str(sample["id"]), str(sample["corpus"])
        if corpus == "synthetic":
            found[sample_id] = {r.key for r in references(str(sample["text"]))}
        elif "file" in sample:
            first, last = sample["lines"]  # type: ignore[misc]
            lines = (CORPORA / str(sample["file"])).read_text(encoding="utf-8", errors="replace").split("\n")
            found[sample_id] = {r.key for r in line_references(enumerate(lines[first - 1 : last], first))}
        else:
            wanted.setdefault(corpus, {})[str(sample["message_id"])] = sample_id
    for corpus, ids in wanted.items():
        path = CORPORA / corpus
        for item in iter_source(path, detect_format(path)):
            if isinstance(item, RawItem):
                message = parse_message(item.raw, envelope=item.envelope, archive_month=item.archive_month)
                if message.message_id in ids:
                    addresses = [a.email for a in (message.sender, *message.to, *message.cc)]
                    keys = {r.key for r in references(message.body, repository=repository_of(addresses))}
                    found[ids[message.message_id]] = keys
    return found


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--verbose", action="store_true", help="list what was missed and what was extra")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"no corpora at {CORPORA}")
    samples = json.loads(args.gold.read_text(encoding="utf-8"))["samples"]
    found = found_keys(samples)
    hits, got, want = Counter[str](), Counter[str](), Counter[str]()
    for sample in samples:
        expected = set(sample["keys"])
        keys = found.get(str(sample["id"]), set())
        for key in keys:
            got[key.split(":")[0]] += 1
            hits[key.split(":")[0]] += key in expected
        for key in expected:
            want[key.split(":")[0]] += 1
        if args.verbose and keys != expected:
            print(f"{sample['id']}: missed {sorted(expected - keys)} extra {sorted(keys - expected)}")
    print(f"{'kind':18} {'found':>6} {'right':>6} {'judged':>7} {'precision':>10} {'recall':>7}")
    for kind in sorted(set(got) | set(want)):
        print(f"{kind:18} {got[kind]:>6} {hits[kind]:>6} {want[kind]:>7} {ratio(hits[kind], got[kind]):>10} "
              f"{ratio(hits[kind], want[kind]):>7}")
    total_hits, total_got, total_want = sum(hits.values()), sum(got.values()), sum(want.values())
    print(f"all: {len(samples)} samples, precision {ratio(total_hits, total_got)} ({total_hits}/{total_got}), "
          f"recall {ratio(total_hits, total_want)} ({total_hits}/{total_want})")


if __name__ == "__main__":
    main()
