"""Measure the action-item and decision rules against judged sources: precision and recall.

Usage: .venv/bin/python bench/extraction.py [--gold FILE] [--prose FILE ...] [--verbose]
       .venv/bin/python bench/extraction.py --prose tests/data/minutes-dec9/gold.json tests/data/minutes-dec10/gold.json

tests/data/minutes-*/ other than minutes-prose are more prose sets, each written and judged by another
person who never saw the rules; several files given together are scored as one. Each set was measured
once before the rules learned from it; that first figure (in the commit that added the set) is the
honest one for new prose.

Each source in bench/extraction_gold.json (real bot and scribe minutes from ../shared/corpora and
the sample) and each message of tests/data/minutes-prose/ (prose minutes and ordinary mail,
written and judged by a different person than the one who wrote the rules) was read by a person,
who wrote down the action items (with the people they name and due dates) and the decisions in it.
This script runs the importer's rules on the same sources and prints, per source and overall,
precision and recall for actions (owners must be the same and the wording alike) and for
decisions (wording alike), whether each message was recognised as minutes or not, and how many
of the found actions got the judged due date. It is not a test.
"""

from __future__ import annotations

import argparse
import json
from difflib import SequenceMatcher
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import actions, items, prose_minutes  # noqa: E402
from archive.models import ExtractedItem, RawItem  # noqa: E402
from ingest.mbox import iter_mbox  # noqa: E402
from ingest.meetbot import parse_meetbot_log  # noqa: E402
from ingest.message import parse_message  # noqa: E402
from ingest.scribe import parse_scribe_log  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
GOLD = ROOT / "bench" / "extraction_gold.json"
PROSE = ROOT / "tests" / "data" / "minutes-prose" / "gold.json"
# How alike a found item's words must be to a judged one's to count as the same item.
ALIKE = 0.75


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


def _owners(names: object) -> frozenset[str]:
    return frozenset(str(name).casefold() for name in names) if isinstance(names, list | tuple) else frozenset()


def pairs(got: list[ExtractedItem], wanted: list[dict[str, object]], *, owners: bool) -> list[tuple[int, int]]:
    """Match found items to judged ones, one to one, most alike first: (found index, judged index)."""
    scored = []
    for i, item in enumerate(got):
        for j, judged in enumerate(wanted):
            if owners and _owners(item.owners) != _owners(judged.get("owners", [])):
                continue
            alike = SequenceMatcher(None, actions._words(item.text), actions._words(str(judged["text"]))).ratio()
            if alike >= ALIKE:
                scored.append((alike, i, j))
    matched: list[tuple[int, int]] = []
    for _alike, i, j in sorted(scored, reverse=True):
        if all(i != a and j != b for a, b in matched):
            matched.append((i, j))
    return matched


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def prose_sources(gold: Path) -> list[tuple[dict[str, object], list[ExtractedItem], bool]]:
    """Return each judged message of the prose set with what the importer finds in it and whether it took it for minutes."""
    judged = {str(m["message_id"]).strip("<>"): m for m in json.loads(gold.read_text(encoding="utf-8"))["messages"]}
    found = []
    for item in iter_mbox(gold.with_name("minutes.mbox")):
        if isinstance(item, RawItem):
            message = parse_message(item.raw, envelope=item.envelope)
            if message.message_id in judged:
                got = items.message_items(message.message_id, message.subject, message.date, message.body,
                                          message.sender.name)
                found.append((judged[message.message_id], got,
                              prose_minutes.looks_like_minutes(message.subject, message.body)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--prose", type=Path, nargs="+", default=[PROSE])
    parser.add_argument("--verbose", action="store_true", help="list what was missed and what was extra")
    args = parser.parse_args()
    runs: list[tuple[str, str, dict[str, object], list[ExtractedItem]]] = []
    if CORPORA.is_dir():
        runs += [("bot and scribe", str(s["id"]), s, found_in(s))
                 for s in json.loads(args.gold.read_text(encoding="utf-8"))["sources"]]
    else:
        print(f"no corpora at {CORPORA}: scoring the prose set only")
    recognised = [0, 0]
    for judged, got, taken in (source for gold in args.prose for source in prose_sources(gold)):
        runs.append(("prose", str(judged["message_id"]), judged, got))
        recognised[0] += taken == judged["is_minutes"]
        recognised[1] += 1
    totals: dict[tuple[str, str], list[int]] = {}
    dues = [0, 0]
    print(f"{'set':15} {'source':26} {'actions P':>9} {'R':>5} {'decisions P':>11} {'R':>5}")
    for group, name, judged, found in runs:
        row = []
        for kind, owners in (("action", True), ("decision", False)):
            got = [i for i in found if i.kind == kind and i.rule != "vote tally"]
            wanted = [w if isinstance(w, dict) else {"text": w} for w in judged[kind + "s"]]  # type: ignore[attr-defined]
            matched = pairs(got, wanted, owners=owners)
            for key in ((group, kind), ("all", kind)):
                totals[key] = [a + b for a, b in zip(totals.get(key, [0, 0, 0]), (len(matched), len(got), len(wanted)))]
            row += [ratio(len(matched), len(got)), ratio(len(matched), len(wanted))]
            if kind == "action" and group == "prose":
                for i, j in matched:
                    dues[0] += str(got[i].due) == str(wanted[j].get("due"))
                    dues[1] += 1
            if args.verbose:
                for j, w in enumerate(wanted):
                    if all(j != b for _a, b in matched):
                        print(f"    missed {kind}: {w}")
                for i, g in enumerate(got):
                    if all(i != a for a, _b in matched):
                        print(f"    extra {kind}: {g.text!r} {g.owners} ({g.rule})")
        print(f"{group:15} {name:26} {row[0]:>9} {row[1]:>5} {row[2]:>11} {row[3]:>5}")
    for (group, kind), (hits, found_count, wanted_count) in sorted(totals.items()):
        print(f"{group} {kind}s: precision {ratio(hits, found_count)} ({hits}/{found_count}), "
              f"recall {ratio(hits, wanted_count)} ({hits}/{wanted_count})")
    print(f"prose: messages recognised rightly as minutes or not {recognised[0]}/{recognised[1]}; "
          f"found actions with the judged due date {dues[0]}/{dues[1]}")


if __name__ == "__main__":
    main()
