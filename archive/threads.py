"""JWZ threading with ghost parents: pure, order-independent and cycle-safe.

The rules, and why:

* Membership: a thread is exactly one connected component of the reference graph (every
  message joined to each id in its References and In-Reply-To, unseen ids included, over all
  copies of a duplicated Message-ID). The store re-threads one component when new mail
  arrives and gets what a full rebuild gives.
* A message's parent among the messages present is the one notmuch 0.37 picks
  (lib/thread.cc): the message it replies to (In-Reply-To, else the last References entry)
  when that is present; otherwise the "deepest" present message of its References and
  In-Reply-To (depth in the reply-to forest, ties to the smallest Message-ID, as Xapian lists
  terms), else none. In a reply-to loop the oldest message lets go, like notmuch's first
  message. A message without reply headers stays on top even if others' References place it
  under something (notmuch does the same; plain JWZ would move it).
* Ghosts, public-inbox style: a reply to an unseen id hangs under a ghost node with that id,
  and the ghost takes the parent notmuch gave the reply, so the nearest real ancestor is
  still notmuch's parent. A reply with no real parent instead hangs the unseen ids before
  its own in References above the ghost (JWZ). When several replies name one ghost, the
  oldest reply that can place it (without a loop) decides. Ghosts left childless are dropped.
* A ghost root is kept as the root even with a single child: the thread id then stays the
  same when the missing first message arrives later.
* A component can still hold several trees (a message without reply headers next to
  replies to an unseen id; two replies that name one unseen id but descend from different
  roots). They go into one ThreadTree as several top-level nodes, as notmuch shows them; the
  first top-level in display order is the root that names the thread.
* Duplicated Message-IDs are one node; its reply headers come from the copy with the most
  References (then one with In-Reply-To, then the oldest), whatever the input order.
* Order: siblings by date (None last) then Message-ID, a ghost's date being the earliest date
  below it; threads by their earliest message date (None last) then thread id. Ties that
  notmuch settles by arrival order are settled by Message-ID, so input order never matters.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from archive.models import ThreadInput, ThreadNode, ThreadTree

_Key = tuple[bool, float, str]


def thread_id_for(root_id: str) -> str:
    """Return the short stable id of the thread whose root has this Message-ID."""
    digest = hashlib.sha1(root_id.encode("utf-8", "surrogateescape")).hexdigest()
    return digest[:12]


def thread_messages(messages: Iterable[ThreadInput]) -> list[ThreadTree]:
    """Thread the messages and return every thread in display order."""
    copies: dict[str, list[ThreadInput]] = {}
    for message in messages:
        copies.setdefault(message.message_id, []).append(message)
    chosen = {mid: min(group, key=_copy_key) for mid, group in copies.items()}
    dates = {mid: _timestamp(message.date) for mid, message in chosen.items()}
    links = {mid: set().union(*map(_linked_ids, group)) for mid, group in copies.items()}
    keyed = []
    for members in _components(links):
        real = sorted((mid for mid in members if mid in chosen), key=_age(dates))
        parent = _place_ghosts(real, chosen, _real_parents(real, chosen))
        keyed.append(_tree(real, parent, dates))
    keyed.sort(key=lambda pair: pair[1])
    return [tree for tree, _ in keyed]


def _copy_key(message: ThreadInput) -> tuple[int, bool, bool, float, tuple[str, ...], str]:
    """Rank the copies of one Message-ID: most reply headers, then oldest, first."""
    when = _timestamp(message.date)
    return (
        -len(message.references),
        not message.in_reply_to,
        when is None,
        when or 0.0,
        message.references,
        message.in_reply_to or "",
    )


def _timestamp(date: datetime | None) -> float | None:
    """Return the date as a number, so aware and naive dates still compare."""
    return None if date is None else date.timestamp()


def _age(dates: dict[str, float | None]) -> Callable[[str], _Key]:
    """Return a sort key function: oldest first, undated last, then by Message-ID."""

    def key(mid: str) -> _Key:
        when = dates.get(mid)
        return (when is None, when or 0.0, mid)

    return key


def _linked_ids(message: ThreadInput) -> Iterator[str]:
    """Yield every id the message refers to (References, then In-Reply-To), not itself."""
    for ref in (*message.references, message.in_reply_to):
        if ref and ref != message.message_id:
            yield ref


def _replied_to(message: ThreadInput) -> str | None:
    """Return the id a message says it replies to: In-Reply-To, else its last reference."""
    if message.in_reply_to and message.in_reply_to != message.message_id:
        return message.in_reply_to
    for ref in reversed(message.references):
        if ref and ref != message.message_id:
            return ref
    return None


class _Forest:
    """Trees under construction; union-find refuses any link that would close a loop."""

    def __init__(self) -> None:
        self.up: dict[str, str] = {}
        self.parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        """Return the representative of the tree holding the node."""
        up = self.up
        root = node
        while up.get(root, root) != root:
            root = up[root]
        while node != root:
            node, up[node] = up[node], root
        return root

    def joined(self, one: str, other: str) -> bool:
        """Tell whether two nodes are in the same tree."""
        return self.find(one) == self.find(other)

    def link(self, parent: str, child: str) -> bool:
        """Make parent the parent of a root child, unless that closes a loop."""
        top, low = self.find(parent), self.find(child)
        if top == low or child in self.parent:
            return False
        self.parent[child] = parent
        self.up[low] = top
        return True


def _components(links: dict[str, set[str]]) -> list[set[str]]:
    """Group every id, ghosts included, by connected component of the reference graph."""
    forest = _Forest()
    for mid, refs in links.items():
        top = forest.find(mid)
        for ref in refs:
            low = forest.find(ref)
            if low != top:
                forest.up[low] = top
    members: dict[str, set[str]] = {}
    for mid, refs in links.items():
        component = members.setdefault(forest.find(mid), set())
        component.add(mid)
        component.update(refs)
    return list(members.values())


def _real_parents(real: list[str], chosen: dict[str, ThreadInput]) -> dict[str, str]:
    """Return each message's parent among the thread's messages, as notmuch 0.37 picks it."""
    present = set(real)
    forest = _Forest()
    for mid in reversed(real):  # newest first: in a reply-to loop the oldest lets go
        wanted = _replied_to(chosen[mid])
        if wanted in present:
            forest.link(wanted, mid)
    loose = [mid for mid in real[1:] if mid not in forest.parent]
    if real[0] not in forest.parent:
        loose.append(real[0])  # notmuch tries its first message last
    depth = _depths(loose, _children(forest.parent))
    toplevel = 0
    for index, mid in enumerate(loose):
        if index == len(loose) - 1 and not toplevel:
            break
        best = None
        for ref in sorted(set(_linked_ids(chosen[mid])) & present):
            if not forest.joined(ref, mid) and (best is None or depth[ref] > depth[best]):
                best = ref
        if best is None:
            toplevel += 1
        else:
            forest.link(best, mid)
    return forest.parent


def _depths(roots: list[str], children: dict[str, list[str]]) -> dict[str, int]:
    """Return each node's depth below the given roots."""
    depth: dict[str, int] = {}
    stack = [(root, 0) for root in roots]
    while stack:
        node, level = stack.pop()
        depth[node] = level
        stack.extend((child, level + 1) for child in children.get(node, ()))
    return depth


def _children(parent: dict[str, str]) -> dict[str, list[str]]:
    """Invert a parent map."""
    children: dict[str, list[str]] = {}
    for child, up in parent.items():
        children.setdefault(up, []).append(child)
    return children


def _place_ghosts(
    real: list[str], chosen: dict[str, ThreadInput], parent: dict[str, str]
) -> dict[str, str]:
    """Put each reply to an unseen message under a ghost, and give the ghost a parent."""
    present = set(real)
    placed = dict(parent)
    claims: dict[str, list[str]] = {}
    for mid in real:  # oldest first: the oldest reply to a ghost places it
        wanted = _replied_to(chosen[mid])
        if wanted is None or wanted in present:
            continue
        upper = placed.pop(mid, None)
        placed[mid] = wanted
        if upper is not None:
            claims.setdefault(wanted, []).append(upper)
            continue
        chain = list(dict.fromkeys(_linked_ids(chosen[mid])))
        at = chain.index(wanted)
        while at > 0 and chain[at - 1] not in present:  # no real parent: hang the ghost chain
            claims.setdefault(chain[at], []).append(chain[at - 1])
            at -= 1
    forest = _Forest()
    for child, upper in placed.items():
        forest.link(upper, child)
    for ghost, uppers in sorted(claims.items()):
        for up in uppers:
            if forest.link(up, ghost):
                placed[ghost] = up
                break
    return _prune(placed, present)


def _prune(parent: dict[str, str], real: set[str]) -> dict[str, str]:
    """Drop ghosts that have no child (a chain link that lost to another claim)."""
    below: dict[str, int] = {}
    for upper in parent.values():
        below[upper] = below.get(upper, 0) + 1
    bare = [node for node in parent if node not in real and node not in below]
    while bare:
        ghost = bare.pop()
        upper = parent.pop(ghost)
        below[upper] -= 1
        if not below[upper] and upper not in real and upper in parent:
            bare.append(upper)
    return parent


def _tree(
    real: list[str], parent: dict[str, str], dates: dict[str, float | None]
) -> tuple[ThreadTree, _Key]:
    """Build one component's ThreadTree and its sort key (earliest date, thread id)."""
    children = _children(parent)
    nodes = set(real).union(children)
    roots = [node for node in nodes if node not in parent]
    earliest = _earliest_below(roots, children, dates)

    def key(node: str) -> _Key:
        when = dates[node] if node in dates else earliest[node]
        return (when is None, when or 0.0, node)

    ordered: list[ThreadNode] = []
    stack = [(root, 0) for root in sorted(roots, key=key, reverse=True)]
    while stack:
        node, depth = stack.pop()
        ordered.append(ThreadNode(node, parent.get(node), depth, node not in dates))
        below = sorted(children.get(node, ()), key=key, reverse=True)
        stack.extend((child, depth + 1) for child in below)
    root_id = ordered[0].message_id
    tree = ThreadTree(thread_id_for(root_id), root_id, tuple(ordered))
    known = [when for when in map(earliest.__getitem__, roots) if when is not None]
    first = min(known) if known else None
    return tree, (first is None, first or 0.0, tree.thread_id)


def _earliest_below(
    roots: list[str], children: dict[str, list[str]], dates: dict[str, float | None]
) -> dict[str, float | None]:
    """Return, for every node under the roots, the earliest message date in its subtree."""
    order: list[str] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(children.get(node, ()))
    earliest: dict[str, float | None] = {}
    for node in reversed(order):  # children before their parent
        found = [dates.get(node)] + [earliest[child] for child in children.get(node, ())]
        known = [when for when in found if when is not None]
        earliest[node] = min(known) if known else None
    return earliest
