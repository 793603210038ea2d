"""Measure the action-item and decision rules against judged sources: precision and recall.

Usage: .venv/bin/python bench/extraction.py [--gold FILE] [--verbose]

Each source in bench/extraction_gold.json was read by a person, who wrote down the action items
(with the people they name) and the decisions in it. This script runs the rules of
archive/actions.py on the same sources and prints, per source and overall, precision and recall
for actions (text and owners must both match) and for decisions (text). It is not a test.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import actions  # noqa: E402
from archive.models import ExtractedItem, RawItem  # noqa: E402
from ingest.mbox import iter_mbox  # noqa: E402
from ingest.meetbot import parse_meetbot_log  # noqa: E402
from ingest.message import parse_message  # noqa: E402
from ingest.scribe import parse_scribe_log  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
GOLD = ROOT / "bench" / "extraction_gold.json"


def found_in(source: dict[str, object]) -> list[ExtractedItem]:
    """Run the rules on one source, as the importer would read it."""
    relative = str(source["path"])
    path = ROOT / relative if relative.startswith("examples/") else CORPORA / relative  # the sample, or a corpus
    kind = source["kind"]
    if kind == "meetbot-log":
        return actions.meeting_items(parse_meetbot_log(path.read_text(encoding="utf-8"), path.name))
    if kind == "scribe":
        return actions.meeting_items(parse_scribe_log(path.read_text(encoding="utf-8"), path.parent.name,
                                                      series="s", title="t"))
    found: list[ExtractedItem] = []
    for item in iter_mbox(path):
        if isinstance(item, RawItem):
            message = parse_message(item.raw, envelope=item.envelope)
            if kind == "mbox" or message.message_id == source.get("message_id"):
                found += actions.message_items(message.body, message_id=message.message_id, date=message.date)
    return found


def _key(text: str) -> str:
    """Return text as compared: lowercased, white space folded."""
    return " ".join(text.casefold().split())


def _owners(names: object) -> frozenset[str]:
    return frozenset(str(name).casefold() for name in names) if isinstance(names, list | tuple) else frozenset()


def score(found: set[object], wanted: set[object]) -> tuple[int, int, int]:
    """Return (true positives, found, wanted)."""
    return len(found & wanted), len(found), len(wanted)


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--verbose", action="store_true", help="list what was missed and what was extra")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"no corpora at {CORPORA}")
    totals = {"actions": [0, 0, 0], "decisions": [0, 0, 0]}
    print(f"{'source':22} {'actions P':>9} {'R':>5} {'decisions P':>11} {'R':>5}")
    for source in json.loads(args.gold.read_text(encoding="utf-8"))["sources"]:
        found = found_in(source)
        got_actions = {(_key(i.text), _owners(i.owners)) for i in found if i.kind == "action"}
        want_actions = {(_key(a["text"]), _owners(a["owners"])) for a in source["actions"]}
        got_decisions = {_key(i.text) for i in found if i.kind == "decision" and i.rule != "vote tally"}
        want_decisions = {_key(d) for d in source["decisions"]}
        scores = {"actions": score(got_actions, want_actions), "decisions": score(got_decisions, want_decisions)}
        for name, (hit, got, want) in scores.items():
            totals[name] = [a + b for a, b in zip(totals[name], (hit, got, want))]
        (ah, ag, aw), (dh, dg, dw) = scores["actions"], scores["decisions"]
        print(f"{source['id']:22} {ratio(ah, ag):>9} {ratio(ah, aw):>5} {ratio(dh, dg):>11} {ratio(dh, dw):>5}")
        if args.verbose:
            for label, got, want in (("actions", got_actions, want_actions), ("decisions", got_decisions, want_decisions)):
                for missed in want - got:
                    print(f"    missed {label}: {missed}")
                for extra in got - want:
                    print(f"    extra {label}: {extra}")
    for name, (hit, got, want) in totals.items():
        print(f"all {name}: precision {ratio(hit, got)} ({hit}/{got}), recall {ratio(hit, want)} ({hit}/{want})")


if __name__ == "__main__":
    main()
