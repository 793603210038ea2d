"""The schema and every query: the only module that speaks SQL (SQLAlchemy Core)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from archive.errors import StoreError
from archive.models import (
    Address,
    Attachment,
    ListSummary,
    Message,
    QuarantineEntry,
    ThreadInput,
    ThreadTree,
)

metadata = sa.MetaData()

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("message_id", sa.Text, nullable=False, index=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("from_name", sa.Text, nullable=False),
    sa.Column("from_email", sa.Text, nullable=False, index=True),
    sa.Column("to_json", sa.Text, nullable=False),
    sa.Column("cc_json", sa.Text, nullable=False),
    sa.Column("date", sa.DateTime, index=True),  # naive UTC
    sa.Column("utc_offset", sa.Integer),
    sa.Column("date_uncertain", sa.Boolean, nullable=False),
    sa.Column("in_reply_to", sa.Text),
    sa.Column("refs", sa.Text, nullable=False),  # space-separated, oldest first
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("body_from_html", sa.Boolean, nullable=False),
    sa.Column("attachments_json", sa.Text, nullable=False),
    sa.Column("defects_json", sa.Text, nullable=False),
    sa.Column("generated_id", sa.Boolean, nullable=False),
    sa.Column("source_url", sa.Text),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_offset", sa.BigInteger, nullable=False),
    # Derived: NULL until threading has placed the message (the "unthreaded" marker).
    sa.Column("thread_id", sa.String(16), index=True),
)

message_raw = sa.Table(
    "message_raw",
    metadata,
    sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id"), primary_key=True),
    sa.Column("raw", sa.LargeBinary, nullable=False),
)

message_lists = sa.Table(
    "message_lists",
    metadata,
    sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id"), primary_key=True),
    sa.Column("list_name", sa.Text, primary_key=True, index=True),
)

message_refs = sa.Table(
    "message_refs",
    metadata,
    sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id"), primary_key=True),
    sa.Column("ref_id", sa.Text, primary_key=True, index=True),
)

lists = sa.Table(
    "lists",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("description", sa.Text, nullable=False, default=""),
)

threads = sa.Table(
    "threads",
    metadata,
    sa.Column("thread_id", sa.String(16), primary_key=True),
    sa.Column("root_id", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("first_date", sa.DateTime, index=True),
    sa.Column("last_date", sa.DateTime, index=True),
    sa.Column("message_count", sa.Integer, nullable=False),
)

thread_lists = sa.Table(
    "thread_lists",
    metadata,
    sa.Column("thread_id", sa.String(16), primary_key=True),
    sa.Column("list_name", sa.Text, primary_key=True, index=True),
)

thread_nodes = sa.Table(
    "thread_nodes",
    metadata,
    sa.Column("thread_id", sa.String(16), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("message_id", sa.Text, nullable=False, index=True),
    sa.Column("parent_id", sa.Text),
    sa.Column("depth", sa.Integer, nullable=False),
    sa.Column("ghost", sa.Boolean, nullable=False),
)

thread_aliases = sa.Table(
    "thread_aliases",
    metadata,
    sa.Column("old_id", sa.String(16), primary_key=True),
    sa.Column("new_id", sa.String(16), nullable=False, index=True),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_offset", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.UniqueConstraint("source", "source_offset", "reason", name="uq_quarantine_item"),
)

MESSAGE_SUMMARY_COLUMNS = (
    messages.c.id,
    messages.c.message_id,
    messages.c.subject,
    messages.c.from_name,
    messages.c.from_email,
    messages.c.date,
)


def open_engine(url: str) -> Engine:
    """Create an engine for url and make sure the schema exists."""
    try:
        engine = sa.create_engine(url)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        metadata.create_all(engine)
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"cannot open the database {url}: {error}") from error
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Use WAL (readers never wait for the importer) and a sane sync level."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _insert_ignoring_conflicts(conn: Connection, table: sa.Table) -> Any:
    """Return an INSERT that skips rows already present, in the engine's dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def _utc_naive(value: datetime | None) -> datetime | None:
    """Return value as naive UTC for storage."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def _utc_aware(value: datetime | None) -> datetime | None:
    """Return a stored naive UTC value as an aware datetime."""
    return value.replace(tzinfo=timezone.utc) if value is not None else None


def _addresses_json(addresses: Sequence[Address]) -> str:
    """Serialise addresses as a compact JSON list of [name, email] pairs."""
    return json.dumps([[a.name, a.email] for a in addresses], ensure_ascii=False)


def _addresses(text: str) -> tuple[Address, ...]:
    """Read addresses serialised by _addresses_json."""
    return tuple(Address(name, email) for name, email in json.loads(text))


def _message_row(message: Message, source: str, offset: int) -> dict[str, Any]:
    """Return the messages-table row for a parsed message."""
    return {
        "message_id": message.message_id,
        "content_hash": message.content_hash,
        "subject": message.subject,
        "from_name": message.sender.name,
        "from_email": message.sender.email,
        "to_json": _addresses_json(message.to),
        "cc_json": _addresses_json(message.cc),
        "date": _utc_naive(message.date),
        "utc_offset": message.utc_offset_minutes,
        "date_uncertain": message.date_uncertain,
        "in_reply_to": message.in_reply_to,
        "refs": " ".join(message.references),
        "body": message.body,
        "body_from_html": message.body_from_html,
        "attachments_json": json.dumps(
            [[a.part_index, a.filename, a.content_type, a.size] for a in message.attachments],
            ensure_ascii=False,
        ),
        "defects_json": json.dumps(list(message.defects), ensure_ascii=False),
        "generated_id": message.generated_id,
        "source_url": message.source_url,
        "source": source,
        "source_offset": offset,
    }


def add_messages(
    conn: Connection, batch: Sequence[tuple[Message, str, int]], list_name: str
) -> tuple[int, int]:
    """Store (message, source, offset) triples in list_name; return (added, duplicates)."""
    conn.execute(_insert_ignoring_conflicts(conn, lists), [{"name": list_name, "description": ""}])
    by_hash = {message.content_hash: (message, source, offset) for message, source, offset in batch}
    known = _ids_by_hash(conn, list(by_hash))
    new = [by_hash[h] for h in by_hash if h not in known]
    if new:
        conn.execute(messages.insert(), [_message_row(m, s, o) for m, s, o in new])
        known.update(_ids_by_hash(conn, [m.content_hash for m, _, _ in new]))
        conn.execute(
            message_raw.insert(), [{"message_pk": known[m.content_hash], "raw": m.raw} for m, _, _ in new]
        )
        ref_rows = [
            {"message_pk": known[m.content_hash], "ref_id": ref}
            for m, _, _ in new
            for ref in _all_refs(m.references, m.in_reply_to)
        ]
        if ref_rows:
            conn.execute(message_refs.insert(), ref_rows)
    conn.execute(
        _insert_ignoring_conflicts(conn, message_lists),
        [{"message_pk": pk, "list_name": list_name} for pk in known.values()],
    )
    return len(new), len(batch) - len(new)


def _all_refs(references: Sequence[str], in_reply_to: str | None) -> list[str]:
    """Return every referenced id once, References first."""
    refs = list(dict.fromkeys(references))
    if in_reply_to and in_reply_to not in refs:
        refs.append(in_reply_to)
    return refs


def _ids_by_hash(conn: Connection, hashes: Sequence[str]) -> dict[str, int]:
    """Return {content_hash: primary key} for the hashes already stored."""
    found: dict[str, int] = {}
    for chunk in _chunks(hashes, 500):
        query = sa.select(messages.c.content_hash, messages.c.id).where(messages.c.content_hash.in_(chunk))
        found.update({h: pk for h, pk in conn.execute(query)})
    return found


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Yield consecutive slices of at most size items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def add_quarantine(conn: Connection, source: str, offset: int, reason: str, raw: bytes) -> bool:
    """Keep an item that could not be imported; return False if it was already there."""
    row = {
        "source": source,
        "source_offset": offset,
        "reason": reason[:2000],
        "raw": raw,
        "created": datetime.now(timezone.utc).replace(tzinfo=None),
    }
    result = conn.execute(_insert_ignoring_conflicts(conn, quarantine), [row])
    return bool(result.rowcount)


def list_quarantine(conn: Connection) -> list[QuarantineEntry]:
    """Return every quarantined item, oldest first."""
    query = sa.select(
        quarantine.c.id,
        quarantine.c.source,
        quarantine.c.source_offset,
        quarantine.c.reason,
        quarantine.c.created,
        sa.func.length(quarantine.c.raw),
    ).order_by(quarantine.c.id)
    return [
        QuarantineEntry(id=i, source=s, offset=o, reason=r, created=_utc_aware(c) or c, size=n or 0)
        for i, s, o, r, c, n in conn.execute(query)
    ]


def list_summaries(conn: Connection) -> list[ListSummary]:
    """Return every list with message and thread counts and its date range."""
    membership = (
        sa.select(
            message_lists.c.list_name,
            sa.func.count(messages.c.id),
            sa.func.min(messages.c.date),
            sa.func.max(messages.c.date),
        )
        .join(messages, messages.c.id == message_lists.c.message_pk)
        .group_by(message_lists.c.list_name)
    )
    thread_counts = dict(
        conn.execute(
            sa.select(thread_lists.c.list_name, sa.func.count()).group_by(thread_lists.c.list_name)
        ).all()
    )
    return [
        ListSummary(name, count, thread_counts.get(name, 0), _utc_aware(first), _utc_aware(last))
        for name, count, first, last in conn.execute(membership.order_by(message_lists.c.list_name))
    ]


def unthreaded_inputs(conn: Connection, limit: int) -> list[ThreadInput]:
    """Return up to limit messages that threading has not placed yet."""
    query = (
        sa.select(messages.c.message_id, messages.c.refs, messages.c.in_reply_to, messages.c.date)
        .where(messages.c.thread_id.is_(None))
        .order_by(messages.c.id)
        .limit(limit)
    )
    return [_thread_input(*row) for row in conn.execute(query)]


def _thread_input(message_id: str, refs: str, in_reply_to: str | None, date: datetime | None) -> ThreadInput:
    """Build a ThreadInput from stored columns."""
    return ThreadInput(message_id, tuple(refs.split()), in_reply_to, _utc_aware(date))


def touching_thread_ids(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Return the threads holding a message with one of ids or referencing one of them."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids)), 500):
        by_id = sa.select(messages.c.thread_id).where(messages.c.message_id.in_(chunk))
        by_ref = (
            sa.select(messages.c.thread_id)
            .join(message_refs, message_refs.c.message_pk == messages.c.id)
            .where(message_refs.c.ref_id.in_(chunk))
        )
        found.update(t for (t,) in conn.execute(sa.union(by_id, by_ref)) if t)
    return found


def thread_members(conn: Connection, thread_ids: Iterable[str]) -> list[ThreadInput]:
    """Return the messages currently placed in the given threads."""
    result: list[ThreadInput] = []
    for chunk in _chunks(sorted(set(thread_ids)), 500):
        query = sa.select(
            messages.c.message_id, messages.c.refs, messages.c.in_reply_to, messages.c.date
        ).where(messages.c.thread_id.in_(chunk))
        result.extend(_thread_input(*row) for row in conn.execute(query))
    return result


def replace_threads(
    conn: Connection, old_ids: set[str], trees: Sequence[ThreadTree], redirects: dict[str, str]
) -> None:
    """Swap the threads old_ids for trees; redirects maps vanished ids to their successors."""
    for chunk in _chunks(sorted(old_ids), 500):
        for table in (thread_nodes, thread_lists, threads):
            conn.execute(table.delete().where(table.c.thread_id.in_(chunk)))
    node_rows = [
        {
            "thread_id": tree.thread_id,
            "position": position,
            "message_id": node.message_id,
            "parent_id": node.parent_id,
            "depth": node.depth,
            "ghost": node.ghost,
        }
        for tree in trees
        for position, node in enumerate(tree.nodes)
    ]
    if node_rows:
        conn.execute(thread_nodes.insert(), node_rows)
    _place_messages(conn, trees)
    _summarise_threads(conn, trees)
    _record_redirects(conn, redirects)


def _place_messages(conn: Connection, trees: Sequence[ThreadTree]) -> None:
    """Point every real message of trees at its thread."""
    rows = [
        {"b_message_id": node.message_id, "b_thread_id": tree.thread_id}
        for tree in trees
        for node in tree.nodes
        if not node.ghost
    ]
    if rows:
        statement = (
            messages.update()
            .where(messages.c.message_id == sa.bindparam("b_message_id"))
            .values(thread_id=sa.bindparam("b_thread_id"))
        )
        conn.execute(statement, rows)


def _summarise_threads(conn: Connection, trees: Sequence[ThreadTree]) -> None:
    """Write the threads and thread_lists summary rows for trees."""
    ids = [tree.thread_id for tree in trees]
    thread_rows, list_rows = [], []
    for chunk in _chunks(ids, 500):
        stats = sa.select(
            messages.c.thread_id,
            sa.func.count(messages.c.id),
            sa.func.min(messages.c.date),
            sa.func.max(messages.c.date),
        ).where(messages.c.thread_id.in_(chunk)).group_by(messages.c.thread_id)
        counts = {t: (n, first, last) for t, n, first, last in conn.execute(stats)}
        subjects = _first_subjects(conn, chunk)
        for thread_id in chunk:
            n, first, last = counts.get(thread_id, (0, None, None))
            thread_rows.append(
                {"thread_id": thread_id, "root_id": "", "subject": subjects.get(thread_id, ""),
                 "first_date": first, "last_date": last, "message_count": n}
            )
        in_lists = (
            sa.select(messages.c.thread_id, message_lists.c.list_name)
            .join(message_lists, message_lists.c.message_pk == messages.c.id)
            .where(messages.c.thread_id.in_(chunk))
            .distinct()
        )
        list_rows.extend({"thread_id": t, "list_name": name} for t, name in conn.execute(in_lists))
    roots = {tree.thread_id: tree.root_id for tree in trees}
    for row in thread_rows:
        row["root_id"] = roots[row["thread_id"]]
    if thread_rows:
        conn.execute(threads.insert(), thread_rows)
    if list_rows:
        conn.execute(thread_lists.insert(), list_rows)


def _first_subjects(conn: Connection, thread_ids: Sequence[str]) -> dict[str, str]:
    """Return each thread's subject: that of its first real message in display order."""
    query = (
        sa.select(thread_nodes.c.thread_id, messages.c.subject)
        .join(messages, messages.c.message_id == thread_nodes.c.message_id)
        .where(thread_nodes.c.thread_id.in_(thread_ids), thread_nodes.c.ghost.is_(False))
        .order_by(thread_nodes.c.thread_id, thread_nodes.c.position.desc())
    )
    # Later rows overwrite earlier ones, so descending position leaves the first.
    return {thread_id: subject for thread_id, subject in conn.execute(query)}


def _record_redirects(conn: Connection, redirects: dict[str, str]) -> None:
    """Remember where vanished thread ids went, re-pointing aliases that led to them."""
    for old_id, new_id in sorted(redirects.items()):
        conn.execute(thread_aliases.delete().where(thread_aliases.c.old_id == old_id))
        conn.execute(thread_aliases.insert(), [{"old_id": old_id, "new_id": new_id}])
        conn.execute(thread_aliases.update().where(thread_aliases.c.new_id == old_id).values(new_id=new_id))


def clear_threads(conn: Connection) -> None:
    """Forget every derived thread so the next threading pass rebuilds them all."""
    for table in (thread_nodes, thread_lists, threads):
        conn.execute(table.delete())
    conn.execute(messages.update().values(thread_id=None))


def resolve_thread_id(conn: Connection, thread_id: str) -> str | None:
    """Return thread_id if it exists, the id it was merged into, or None."""
    if conn.execute(sa.select(threads.c.thread_id).where(threads.c.thread_id == thread_id)).first():
        return thread_id
    row = conn.execute(sa.select(thread_aliases.c.new_id).where(thread_aliases.c.old_id == thread_id)).first()
    return row[0] if row else None


def thread_json_rows(conn: Connection, list_name: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield one dict per thread (optionally of one list) in the `threads --json` shape."""
    query = sa.select(threads.c.thread_id, threads.c.subject).order_by(
        threads.c.first_date, threads.c.thread_id
    )
    if list_name is not None:
        query = query.join(thread_lists, thread_lists.c.thread_id == threads.c.thread_id).where(
            thread_lists.c.list_name == list_name
        )
    for thread_id, subject in conn.execute(query).all():
        yield {
            "thread_id": thread_id,
            "list": list_name or _thread_list_name(conn, thread_id),
            "subject": subject,
            "messages": _thread_message_dicts(conn, thread_id),
        }


def _thread_list_name(conn: Connection, thread_id: str) -> str:
    """Return the (alphabetically first) list a thread belongs to."""
    query = sa.select(sa.func.min(thread_lists.c.list_name)).where(thread_lists.c.thread_id == thread_id)
    return conn.execute(query).scalar() or ""


def _thread_message_dicts(conn: Connection, thread_id: str) -> list[dict[str, Any]]:
    """Return a thread's real messages in thread order as plain dicts."""
    query = (
        sa.select(thread_nodes.c.parent_id, *MESSAGE_SUMMARY_COLUMNS)
        .join(messages, messages.c.message_id == thread_nodes.c.message_id)
        .where(thread_nodes.c.thread_id == thread_id, thread_nodes.c.ghost.is_(False))
        .order_by(thread_nodes.c.position, messages.c.id)
    )
    return [
        {
            "message_id": message_id,
            "parent_id": parent_id,
            "subject": subject,
            "from": f"{name} <{email}>" if name and email else name or email,
            "date": _iso(date),
        }
        for parent_id, _pk, message_id, subject, name, email, date in conn.execute(query)
    ]


def _iso(value: datetime | None) -> str | None:
    """Return an aware ISO 8601 string for a stored UTC value."""
    aware = _utc_aware(value)
    return aware.isoformat() if aware else None


def raw_message(conn: Connection, message_pk: int) -> bytes | None:
    """Return the original bytes of a stored message."""
    row = conn.execute(sa.select(message_raw.c.raw).where(message_raw.c.message_pk == message_pk)).first()
    return bytes(row[0]) if row else None


def message_count(conn: Connection) -> int:
    """Return how many messages are stored."""
    return conn.execute(sa.select(sa.func.count()).select_from(messages)).scalar() or 0


def stored_attachments(text: str) -> tuple[Attachment, ...]:
    """Read attachments serialised in the messages table."""
    return tuple(Attachment(i, name, ctype, size) for i, name, ctype, size in json.loads(text))
