"""Tests for archive.threads: real corpora with known threading, plus small hand-made cases."""

from __future__ import annotations

import email
import gzip
import hashlib
import json
import random
import re
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from email.policy import compat32
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from archive.models import ThreadInput, ThreadNode, ThreadTree
from archive.threads import thread_id_for, thread_messages

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
NOTMUCH = CORPORA / "notmuch"
FEDORA = CORPORA / "fedora-devel-2010-01"
ANGLED = re.compile(r"<([^<>]*)>")


def corpus(path: Path) -> Path:
    """Return the path, or skip the test when the shared corpora are not checked out."""
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared test corpora live in ../shared/corpora)")
    return path


# A minimal header reader, independent of ingest/message.py on purpose.


def header(msg: EmailMessage, name: str) -> str:
    """Return a header as text, RFC 2047 words decoded (b4 encodes References; notmuch decodes)."""
    value = msg.get(name)
    if value is None:
        return ""
    text = str(value)
    return str(make_header(decode_header(text))) if "=?" in text else text


def ids_in(text: str) -> list[str]:
    """Return the <...> Message-IDs in a header, normalised (no <>, no whitespace)."""
    return ["".join(found.split()) for found in ANGLED.findall(text)]


def strict_id(text: str) -> str | None:
    """Return the id when the header is exactly one <id>, as notmuch requires of In-Reply-To."""
    found = ids_in(text)
    stripped = text.strip()
    if len(found) == 1 and stripped.startswith("<") and stripped.endswith(">"):
        return found[0] if " " not in stripped else None
    return None


def thread_input(msg: EmailMessage) -> ThreadInput:
    """Build the ThreadInput notmuch 0.37 would see for a parsed message."""
    message_id = (ids_in(header(msg, "Message-ID")) or [""])[0]
    references = ids_in(header(msg, "References"))
    in_reply_to = strict_id(header(msg, "In-Reply-To"))
    if in_reply_to is None:  # notmuch keeps a messy In-Reply-To's ids as plain references
        references = ids_in(header(msg, "In-Reply-To")) + references
    try:
        date = parsedate_to_datetime(header(msg, "Date"))
    except (TypeError, ValueError, IndexError):
        date = None
    subject = " ".join(header(msg, "Subject").split())
    return ThreadInput(message_id, tuple(references), in_reply_to, date, subject)


def read_maildir(root: Path) -> list[ThreadInput]:
    """Read every file under a Maildir-like folder."""
    inputs = []
    for path in sorted(corpus(root).rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                inputs.append(thread_input(email.message_from_binary_file(handle, policy=compat32)))
    return inputs


def read_mbox(path: Path) -> list[ThreadInput]:
    """Split a gzipped mbox on From_ lines that follow a blank line."""
    with gzip.open(corpus(path), "rb") as handle:
        lines = handle.read().splitlines(keepends=True)
    chunks: list[list[bytes]] = []
    blank = True
    for line in lines:
        if blank and line.startswith(b"From "):
            chunks.append([])
        elif chunks:
            chunks[-1].append(line)
        blank = line.strip() == b""
    return [thread_input(email.message_from_bytes(b"".join(c), policy=compat32)) for c in chunks]


def real_ancestors(tree: ThreadTree) -> dict[str, list[str]]:
    """Map each real message to its real ancestors, nearest first (ghosts skipped)."""
    parent = {node.message_id: node.parent_id for node in tree.nodes}
    ghosts = {node.message_id for node in tree.nodes if node.ghost}
    lineage = {}
    for node in tree.nodes:
        if not node.ghost:
            above, up = [], node.parent_id
            while up is not None:
                if up not in ghosts:
                    above.append(up)
                up = parent[up]
            lineage[node.message_id] = above
    return lineage


def everything(trees: list[ThreadTree]) -> dict[str, list[str]]:
    """Merge real_ancestors over all threads."""
    merged: dict[str, list[str]] = {}
    for tree in trees:
        merged.update(real_ancestors(tree))
    return merged


def partition(trees: list[ThreadTree]) -> set[frozenset[str]]:
    """Return the threads as sets of real Message-IDs."""
    return {frozenset(n.message_id for n in tree.nodes if not n.ghost) for tree in trees}


# notmuch 0.37 on its own test corpora: same threads, same parent for every message.


@pytest.mark.parametrize("name", ["default", "lkml"])
def test_same_threads_and_parents_as_notmuch(name: str) -> None:
    expected = json.loads(
        corpus(NOTMUCH / f"expected-threads-{name}.notmuch-0.37.json").read_text("utf-8")
    )
    trees = thread_messages(read_maildir(NOTMUCH / name))
    want = {m["message_id"]: m["parent_id"] for t in expected["threads"] for m in t["messages"]}
    assert len(trees) == expected["thread_count"]
    assert partition(trees) == {
        frozenset(m["message_id"] for m in t["messages"]) for t in expected["threads"]
    }
    # notmuch has no ghost nodes: its parent is our nearest real ancestor.
    got = {mid: (above[0] if above else None) for mid, above in everything(trees).items()}
    assert got == want


def test_lkml_reply_to_unseen_id_hangs_under_a_ghost() -> None:
    trees = thread_messages(read_maildir(NOTMUCH / "lkml"))
    nodes = {n.message_id: n for tree in trees for n in tree.nodes}
    # In-Reply-To was mangled by gmane; notmuch falls back to the References.
    reply = nodes["9603.1277311877@redhat.com"]
    ghost = nodes["1277220189-3485-1-git-send-email-sjayaraman-l3A5Bk7waGM@public.gmane.org"]
    assert reply.parent_id == ghost.message_id and ghost.ghost
    assert ghost.parent_id == "1277220189-3485-1-git-send-email-sjayaraman@suse.de"


def t510_blocks() -> list[tuple[str, str]]:
    """Return the (title, expected output) blocks of notmuch's T510 excerpt."""
    text = corpus(NOTMUCH / "upstream-expected" / "T510-threading-corpus-expected.txt")
    return re.findall(r'test_begin_subtest "([^"]+)"\n(.*?)\nEOF\n', text.read_text("utf-8"), re.S)


def tree_view(body: str) -> list[tuple[int, str]]:
    """Return a notmuch-tree block as (depth, subject) rows in display order."""
    rows = [line for line in body.splitlines() if "►" in line]
    column = len(rows[0][: rows[0].index("►")].rstrip("┬─├╰│"))  # where the tree starts
    return [
        (row.index("►") - column - 1, row.split("►", 1)[1].rsplit("(inbox", 1)[0].strip())
        for row in rows
    ]


T510_TREES = [
    ("reply to ghost (tree view)", "ghost-root", "000-real-root@example.org"),
    ("reply to ghost (RT/tree view)", "ghost-root", "87bmc6lp3h.fsf@len.workgroup"),
    ("trusting reply-to (tree view)", "parent-priority", "B00-root@example.org"),
]


@pytest.mark.parametrize(("title", "folder", "member"), T510_TREES)
def test_notmuch_t510_trees(title: str, folder: str, member: str) -> None:
    rows = tree_view(dict(t510_blocks())[title])
    inputs = read_maildir(NOTMUCH / "threading")  # notmuch indexes both folders together
    subjects = {m.message_id: m.subject for m in read_maildir(NOTMUCH / "threading" / folder)}
    tree = next(t for t in thread_messages(inputs) if member in {n.message_id for n in t.nodes})
    shown = [n.message_id for n in tree.nodes if not n.ghost]
    lineage = real_ancestors(tree)
    assert [" ".join(subject.split()) for _, subject in rows] == [subjects[m] for m in shown]
    for index, (depth, _) in enumerate(rows):
        above = [i for i in range(index) if rows[i][0] == depth - 1]
        ancestors = lineage[shown[index]]
        assert (ancestors[0] if ancestors else None) == (shown[above[-1]] if above else None)


def test_notmuch_t510_first_subject_of_each_thread() -> None:
    inputs = read_maildir(NOTMUCH / "threading")
    subjects = {m.message_id: m.subject for m in inputs}
    shows = [body for _, body in t510_blocks() if "notmuch show" in body]
    assert len(shows) == 2
    for body in shows:
        found = re.search(r"id:(\S+)", body)
        assert found is not None
        member = found.group(1)
        subject = body.rsplit("Subject: ", 1)[1]
        tree = next(t for t in thread_messages(inputs) if member in (n.message_id for n in t.nodes))
        first = next(n.message_id for n in tree.nodes if not n.ghost)
        assert subjects[first] == " ".join(subject.split())


# fedora-devel 2010-01 against its MHonArc thread index (nesting capped at depth 3).

FEDORA_INDEX_3_THREAD = "f6ca9fed1001010745u5ac6957fl58062331a2e9b6c@mail.gmail.com"
FEDORA_SPLIT_OFF = {  # JWZ without subject grouping: own threads, by their References
    "E1NSZm3-0004iz-HY@fenris.runbox.com": {"4B46F704.5090502@imttechnologies.com"},  # 153, 248
    "E1NTTfj-0006JG-IS@garm.runbox.com": set(),  # 285
}


def fedora_expected() -> list[list[tuple[str, str | None, int]]]:
    """Return the MHonArc threads as (id, parent, display depth), ids without <>."""
    data = json.loads(corpus(FEDORA / "expected-threads.mhonarc.json").read_text("utf-8"))
    return [
        [
            (m["message_id"].strip("<>"), (m["parent_message_id"] or "").strip("<>") or None,
             m["display_depth"])
            for m in thread["messages"]
        ]
        for thread in data["threads"]
    ]


def test_fedora_mbox_has_292_messages() -> None:
    assert len(read_mbox(FEDORA / "2010-January.txt.gz")) == 292


def test_fedora_partition_matches_mhonarc_but_documented_splits() -> None:
    trees = thread_messages(read_mbox(FEDORA / "2010-January.txt.gz"))
    want = set()
    for thread in fedora_expected():
        members = {mid for mid, _, _ in thread}
        for root, below in FEDORA_SPLIT_OFF.items():
            if root in members:
                members -= {root} | below
                want.add(frozenset({root} | below))
        want.add(frozenset(members))
    assert partition(trees) == want


def test_fedora_nesting_matches_mhonarc_but_documented_deviations() -> None:
    trees = thread_messages(read_mbox(FEDORA / "2010-January.txt.gz"))
    lineage = everything(trees)
    skip = {mid for pair in FEDORA_SPLIT_OFF.items() for mid in {pair[0], *pair[1]}}
    checked = skipped = 0
    for thread in fedora_expected():
        if thread[0][0] == FEDORA_INDEX_3_THREAD:
            skipped = len(thread)
            continue
        for mid, parent, depth in thread:
            if mid in skip:
                continue
            above = lineage[mid]
            shown = min(len(above), 3)  # MHonArc shows deeper replies at depth 3
            assert (parent, depth) == (above[len(above) - shown] if shown else None, shown), mid
            checked += 1
    assert checked == 292 - len(skip) - skipped > 250


def test_fedora_index_3_is_a_child_of_a_ghost() -> None:
    trees = thread_messages(read_mbox(FEDORA / "2010-January.txt.gz"))
    tree = next(t for t in trees if FEDORA_INDEX_3_THREAD in (n.message_id for n in t.nodes))
    root = tree.nodes[0]
    assert root.ghost and root.message_id == "20091229195657.4000ce26@gmail.com"
    assert tree.thread_id == thread_id_for("20091229195657.4000ce26@gmail.com")
    assert sum(n.parent_id is None for n in tree.nodes) == 1
    nodes = {n.message_id: n for n in tree.nodes}
    assert nodes[FEDORA_INDEX_3_THREAD].parent_id == root.message_id
    assert nodes["20100101185810.7db980a0@gmail.com"].parent_id == "hhgf74$ic8$4@ger.gmane.org"
    assert nodes["hhgf74$ic8$4@ger.gmane.org"].parent_id == root.message_id


# Order independence and incremental re-threading.


def test_fedora_threads_do_not_depend_on_input_order() -> None:
    inputs = read_mbox(FEDORA / "2010-January.txt.gz")
    reference = thread_messages(inputs)
    for seed in (1, 2, 3):
        shuffled = inputs[:]
        random.Random(seed).shuffle(shuffled)
        assert thread_messages(shuffled) == reference
    assert thread_messages(reversed(inputs)) == reference


def linked(message: ThreadInput) -> set[str]:
    """Return the ids a message joins: its own, its References and its In-Reply-To."""
    return {message.message_id, *message.references, message.in_reply_to or ""} - {""}


def rethread(
    stored: list[ThreadTree], by_id: dict[str, ThreadInput], new: list[ThreadInput]
) -> set[ThreadTree]:
    """Re-thread only the stored threads the new messages touch, as the store does."""
    affected = list(new)
    ids: set[str] = set().union(*map(linked, new))
    untouched = list(stored)
    grown = True
    while grown:
        grown = False
        for tree in list(untouched):
            members = [by_id[n.message_id] for n in tree.nodes if not n.ghost]
            if ids & set().union(*map(linked, members)):
                untouched.remove(tree)
                affected += members
                ids |= set().union(*map(linked, members))
                grown = True
    return set(untouched) | set(thread_messages(affected))


def test_fedora_incremental_rethreading_equals_threading_all_at_once() -> None:
    inputs = read_mbox(FEDORA / "2010-January.txt.gz")
    shuffled = inputs[:]
    random.Random(7).shuffle(shuffled)
    first, second = shuffled[:146], shuffled[146:]
    by_id = {m.message_id: m for m in inputs}
    merged = rethread(thread_messages(first), by_id, second)
    assert merged == set(thread_messages(inputs))
    assert len(merged) < len(thread_messages(first)) + len(thread_messages(second))


# Small hand-made cases.

DAY = datetime(2024, 1, 1, tzinfo=timezone.utc)


def msg(mid: str, *refs: str, reply: str | None = None, day: int | None = 0) -> ThreadInput:
    """Build a ThreadInput dated `day` days after 2024-01-01 (None: undated)."""
    date = None if day is None else DAY + timedelta(days=day)
    return ThreadInput(mid, refs, reply, date)


def shape(trees: list[ThreadTree]) -> list[list[tuple[str, str | None, int, bool]]]:
    """Return the threads as lists of (id, parent, depth, ghost)."""
    return [[(n.message_id, n.parent_id, n.depth, n.ghost) for n in t.nodes] for t in trees]


def test_thread_id_is_the_first_12_hex_digits_of_sha1() -> None:
    assert thread_id_for("abc") == "a9993e364706"  # the FIPS 180 test vector
    assert thread_id_for("x@y") == hashlib.sha1(b"x@y").hexdigest()[:12]


def test_empty_input_gives_no_threads() -> None:
    assert thread_messages([]) == []


def test_reply_to_an_unseen_message_hangs_under_its_ghost() -> None:
    trees = thread_messages([msg("b", "a", reply="a", day=1)])
    assert shape(trees) == [[("a", None, 0, True), ("b", "a", 1, False)]]
    assert trees[0].root_id == "a" and trees[0].thread_id == thread_id_for("a")


def test_two_replies_to_one_unseen_message_make_one_thread() -> None:
    trees = thread_messages([msg("c", "a", day=2), msg("b", reply="a", day=1)])
    assert shape(trees) == [[("a", None, 0, True), ("b", "a", 1, False), ("c", "a", 1, False)]]


def test_ghost_chain_without_any_real_ancestor() -> None:
    trees = thread_messages([msg("m", "g1", "g2", reply="g2"), msg("n", "g1", reply="g1", day=1)])
    assert shape(trees) == [
        [("g1", None, 0, True), ("g2", "g1", 1, True), ("m", "g2", 2, False), ("n", "g1", 1, False)]
    ]


def test_missing_middle_message_is_a_ghost_under_the_real_one() -> None:
    trees = thread_messages([msg("a"), msg("c", "a", "b", reply="b", day=2)])
    assert shape(trees) == [[("a", None, 0, False), ("b", "a", 1, True), ("c", "b", 2, False)]]


def test_in_reply_to_wins_over_a_bad_last_reference() -> None:
    # notmuch T510 "parent-priority": References names a typo, In-Reply-To the real parent.
    trees = thread_messages([msg("root"), msg("child", "r00t", reply="root", day=1)])
    assert shape(trees) == [[("root", None, 0, False), ("child", "root", 1, False)]]


def test_reply_cycle_breaks_at_the_oldest_message() -> None:
    pair = [msg("a", reply="b", day=0), msg("b", reply="a", day=1)]
    assert shape(thread_messages(pair)) == [[("a", None, 0, False), ("b", "a", 1, False)]]
    assert thread_messages(reversed(pair)) == thread_messages(pair)


def test_self_reference_is_ignored() -> None:
    trees = thread_messages([msg("a", "a", reply="a")])
    assert shape(trees) == [[("a", None, 0, False)]]


def test_long_loop_keeps_every_message() -> None:
    loop = [msg(f"m{i:03}", f"m{(i + 1) % 300:03}", day=i) for i in range(300)]
    trees = thread_messages(loop)
    assert len(trees) == 1 and len(trees[0].nodes) == 300
    assert trees[0].root_id == "m000"
    assert [n.depth for n in trees[0].nodes] == list(range(300))


def test_deep_chain_does_not_recurse() -> None:
    chain = [msg(f"m{i}", f"m{i - 1}", reply=f"m{i - 1}", day=i) for i in range(1, 5000)]
    chain.append(msg("m0"))
    random.Random(5).shuffle(chain)
    (tree,) = thread_messages(chain)
    assert tree.root_id == "m0"
    assert tree.nodes[-1] == ThreadNode("m4999", "m4998", 4999, False)
    assert [n.depth for n in tree.nodes] == list(range(5000))


def test_duplicate_ids_are_one_node() -> None:
    copies = [msg("a"), msg("b", reply="a", day=1), msg("b", day=3), msg("a", day=5)]
    for order in (copies, copies[::-1]):
        assert shape(thread_messages(order)) == [[("a", None, 0, False), ("b", "a", 1, False)]]


def test_children_by_date_undated_last_then_id() -> None:
    dated = [("x", 2), ("y", None), ("w", 2), ("v", 1)]
    replies = [msg(mid, reply="r", day=day) for mid, day in dated]
    (tree,) = thread_messages([msg("r"), *replies])
    assert [n.message_id for n in tree.nodes] == ["r", "v", "w", "x", "y"]


def test_threads_ordered_by_earliest_date_then_id() -> None:
    trees = thread_messages([msg("late", day=5), msg("undated", day=None), msg("early", day=1)])
    assert [t.root_id for t in trees] == ["early", "late", "undated"]


def test_component_with_two_roots_is_one_thread() -> None:
    # Two replies name the same unseen message but descend from different roots.
    inputs = [msg("r1", day=0), msg("r2", day=1), msg("x1", "r1", "g", reply="g", day=2),
              msg("x2", "r2", "g", reply="g", day=3)]
    (tree,) = thread_messages(inputs)
    assert shape([tree]) == [[
        ("r1", None, 0, False), ("g", "r1", 1, True), ("x1", "g", 2, False),
        ("x2", "g", 2, False), ("r2", None, 0, False),
    ]]
    assert tree.root_id == "r1"


def test_messages_naming_each_other_keep_the_oldest_on_top() -> None:
    # Both reply to unseen messages and reference each other; notmuch tops the oldest.
    pair = [msg("a", "b", reply="ga", day=0), msg("b", "a", reply="gb", day=1)]
    assert shape(thread_messages(pair)) == [
        [("ga", None, 0, True), ("a", "ga", 1, False), ("gb", "a", 2, True), ("b", "gb", 3, False)]
    ]
