"""Cross-links: find the references of what an import touched, resolve keys to what the archive
holds, and gather both directions for a message, thread, meeting or review.

Resolution happens when links are read, so a reference to a message that arrives in a later
import resolves from that moment, and `minutebook rebuild` only has to find references again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from sqlalchemy.engine import Connection, Engine

from archive import links, meetings, store
from archive.models import FoundLink, LinkPanel, LinkView, Meeting, Message, ReferencePage
from ingest.reviews import review_key_of, review_root_id

# Threads whose links are found again per transaction.
BATCH = 500
# The longest snippet kept of the line a reference is on.
SNIPPET = 240
def derive_links(engine: Engine, thread_ids: Iterable[str], meeting_ids: Iterable[str] = ()) -> int:
    """Find the references of these threads' messages and these meetings' logs again; return how many."""
    count = 0
    wanted = sorted(set(thread_ids))
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        with engine.begin() as conn:
            found = [link for row in store.thread_bodies(conn, chunk) for link in _message_links(*row)]
            store.replace_links(conn, thread_ids=chunk, found=found)
        count += len(found)
    with engine.begin() as conn:
        store.add_link_aliases(conn, _change_ids(conn))
        replayed = [meetings.replay(*stored) for meeting_id in sorted(set(meeting_ids))
                    if (stored := store.meeting_log(conn, meeting_id)) is not None]
        found = [link for meeting in replayed for link in _meeting_links(meeting)]
        store.replace_links(conn, meeting_sources=[f"{m.series}/{m.meeting_id}" for m in replayed], found=found)
    return count + len(found)


def _message_links(message_id: str, date: datetime | None, body: str, addresses: list[str]) -> list[FoundLink]:
    """Return the references one message makes (not to itself)."""
    lines = body.split("\n")
    return [FoundLink("message", message_id, ref.line, ref.key, ref.kind, ref.url, ref.anchor, date,
                      lines[ref.line - 1].strip()[:SNIPPET])
            for ref in links.references(body, repository=links.repository_of(addresses))
            if ref.key not in (f"msgid:{message_id}", review_key_of(message_id))]


def links_of_message(message: Message) -> tuple[FoundLink, ...]:
    """Return the references a parsed message makes (pure: parser processes run it)."""
    addresses = [address.email for address in (message.sender, *message.to, *message.cc)]
    return tuple(_message_links(message.message_id, message.date, message.body, addresses))


def _meeting_links(meeting: Meeting) -> list[FoundLink]:
    """Return the references a meeting's log makes (its #link lines above all)."""
    source = f"{meeting.series}/{meeting.meeting_id}"
    text_of = {line.number: (f"<{line.nick}> {line.text}" if line.nick else line.text) for line in meeting.log}
    return [FoundLink("meeting", source, ref.line, ref.key, ref.kind, ref.url, ref.anchor, meeting.start,
                      text_of[ref.line][:SNIPPET])
            for ref in links.line_references([(line.number, line.text) for line in meeting.log])
            if ref.key != f"meeting:{meeting.meeting_id}"]


def _change_ids(conn: Connection) -> dict[str, str]:
    """Return the Change-Id each imported Gerrit change's opening post carries, to the change's key."""
    found = {}
    for link in store.links_with_prefix(conn, "change-id:"):
        review = review_key_of(link.source_id)
        if review and review.startswith("gerrit:"):
            found[link.key] = review
    return found


def rederive_all(engine: Engine) -> int:
    """Find every reference again (for `minutebook rebuild`)."""
    with engine.connect() as conn:
        thread_ids, meeting_ids = store.thread_ids_all(conn), store.meeting_ids_all(conn)
    with engine.begin() as conn:
        store.clear_links(conn)
    return derive_links(engine, thread_ids, meeting_ids)


def resolve(conn: Connection, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Return what the archive holds for each key it holds: ("message", id), ("meeting", "S/M") or ("review", key)."""
    wanted = set(keys)
    expanded = {key: store.same_keys(conn, [key]) for key in wanted if not key.startswith(("msgid:", "meeting:"))}
    reviews = {review_root_id(other): key for key, others in expanded.items() for other in others}
    held = store.existing_message_ids(conn, [k[6:] for k in wanted if k.startswith("msgid:")] + list(reviews))
    meeting_sources = store.meeting_sources_of(conn, [k[8:] for k in wanted if k.startswith("meeting:")])
    # A message imported from an archive's page is found by that page's address.
    by_page = store.messages_at_pages(conn, {key: page for key in wanted if (page := links.page_of(key))})
    found: dict[str, tuple[str, str]] = {key: ("message", message_id) for key, message_id in by_page.items()}
    for key in wanted:
        if key.startswith("msgid:") and key[6:] in held:
            found[key] = ("message", key[6:])
        elif key.startswith("meeting:") and key[8:] in meeting_sources:
            found[key] = ("meeting", meeting_sources[key[8:]])
    for root, key in reviews.items():
        if root in held:
            found[key] = ("review", review_key_of(root) or key)
    return found


def _views(conn: Connection, found: Sequence[FoundLink]) -> tuple[LinkView, ...]:
    """Return links with what they resolve to and their sources' titles."""
    targets = resolve(conn, {link.key for link in found})
    titles = store.source_titles(conn, [l.source_id for l in found if l.source_kind == "message"],
                                 [l.source_id for l in found if l.source_kind == "meeting"])
    return tuple(LinkView(link, targets.get(link.key), titles.get(link.source_id, "")) for link in found)


def keys_of_message(conn: Connection, message_id: str) -> set[str]:
    """Return every key that names a message (and, for a review's opening post, the review)."""
    review = review_key_of(message_id)
    return store.same_keys(conn, [f"msgid:{message_id}"] + ([review] if review else []))


def message_panel(conn: Connection, message_id: str) -> LinkPanel:
    """Return what a message links to and what links to it."""
    outgoing = store.links_from(conn, "message", [message_id])
    return LinkPanel(_views(conn, outgoing), _views(conn, store.links_to(conn, keys_of_message(conn, message_id))))


def thread_panel(conn: Connection, thread_id: str) -> LinkPanel:
    """Return what a thread's messages link to outside it, and what outside it links to them."""
    members = store.thread_message_ids(conn, thread_id)
    inside = set(members)
    reviews = [key for message_id in members if (key := review_key_of(message_id))]
    keys = store.same_keys(conn, [f"msgid:{message_id}" for message_id in members] + reviews)
    outgoing = [l for l in store.links_from(conn, "message", members) if l.key[6:] not in inside]
    incoming = [l for l in store.links_to(conn, keys) if l.source_id not in inside]
    return LinkPanel(_views(conn, outgoing), _views(conn, incoming))


def meeting_panel(conn: Connection, series: str, meeting_id: str) -> LinkPanel:
    """Return what a meeting's log links to and what links to the meeting."""
    outgoing = store.links_from(conn, "meeting", [f"{series}/{meeting_id}"])
    return LinkPanel(_views(conn, outgoing), _views(conn, store.links_to(conn, [f"meeting:{meeting_id}"])))


def key_panel(conn: Connection, key: str) -> LinkPanel:
    """Return everything that references a key (a review, bug, commit or outside message)."""
    return LinkPanel((), _views(conn, store.links_to(conn, store.same_keys(conn, [key]))))


def key_of(conn: Connection, ref: str) -> str:
    """Return the key a reference typed by a person names: a URL, a key, a meeting id or a Message-ID."""
    ref = ref.strip()
    if "://" in ref:
        found = links.line_references([(1, ref)])
        return found[0].key if found else ref
    if ref.split(":", 1)[0] in links.KEY_PREFIXES:
        return ref
    if re.fullmatch(r"I[0-9a-f]{40}", ref):
        return f"change-id:{ref}"
    if store.meeting_sources_of(conn, [ref]):
        return f"meeting:{ref}"
    return f"msgid:{ref.strip('<>')}"


def reference_page(conn: Connection, key: str) -> ReferencePage:
    """Return what a key is in the archive, what it links to, and everything that mentions it, oldest first.

    A review's links are those of its whole discussion; a message's and a meeting's their own.
    """
    target = resolve(conn, [key]).get(key)
    kind, ident = target or ("", "")
    root = review_root_id(ident) if kind == "review" else ident if kind == "message" else None
    thread_id = store.message_thread_id(conn, root) if root else None
    if kind == "meeting":
        panel = meeting_panel(conn, *ident.split("/", 1))
    elif kind == "review" and thread_id:
        panel = thread_panel(conn, thread_id)
    elif kind == "message":
        panel = message_panel(conn, ident)
    else:
        panel = key_panel(conn, key)
    own = tuple(view for view in panel.outgoing if target is None or view.target != target)  # not itself
    posts = [e.message for e in store.thread_entries(conn, thread_id, bodies=False) if e.message] if thread_id else []
    summary = store.thread_summary(conn, thread_id) if thread_id else None
    events = [(post.date, post, None) for post in posts] + [(view.link.date, None, view) for view in panel.incoming]
    timeline = sorted(events, key=lambda event: (event[0] is None, event[0] or datetime.min.replace(tzinfo=timezone.utc)))
    return ReferencePage(key, target, thread_id, LinkPanel(own, panel.incoming), summary.subject if summary else "",
                         tuple(timeline))
