"""The schema and every query: the only module that speaks SQL (SQLAlchemy Core)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
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
)

# Messages stored but not yet placed in a thread: threading empties it (crash-safe marker).
pending_threading = sa.Table(
    "pending_threading",
    metadata,
    sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id"), primary_key=True),
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


@dataclass(frozen=True)
class PreparedMessage:
    """A message turned into its storage rows: built in parser processes, stored by one writer."""

    row: dict[str, Any]
    refs: tuple[str, ...]
    raw: bytes


def prepare_message(message: Message, source: str, offset: int) -> PreparedMessage:
    """Return the rows that store a parsed message (pure, so worker processes can run it)."""
    row = {
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
        "attachments_json": _json_list([[a.part_index, a.filename, a.content_type, a.size] for a in message.attachments]),
        "defects_json": _json_list(list(message.defects)),
        "generated_id": message.generated_id,
        "source_url": message.source_url,
        "source": source,
        "source_offset": offset,
    }
    return PreparedMessage(row, tuple(_all_refs(message.references, message.in_reply_to)), message.raw)


def _json_list(items: list[Any]) -> str:
    """Serialise a list as JSON, skipping the encoder for the common empty case."""
    return json.dumps(items, ensure_ascii=False) if items else "[]"


def add_messages(conn: Connection, batch: Sequence[PreparedMessage], list_name: str) -> tuple[int, int]:
    """Store prepared messages in list_name; return (added, duplicates)."""
    conn.execute(_insert_ignoring_conflicts(conn, lists), [{"name": list_name, "description": ""}])
    by_hash = {prepared.row["content_hash"]: prepared for prepared in batch}
    known = _ids_by_hash(conn, list(by_hash))
    new = [by_hash[h] for h in by_hash if h not in known]
    if new:
        _bulk_insert(conn, messages, [p.row for p in new])
        added = _ids_by_hash(conn, [p.row["content_hash"] for p in new])
        known.update(added)
        _bulk_insert(conn, message_raw, [{"message_pk": added[p.row["content_hash"]], "raw": p.raw} for p in new])
        _bulk_insert(conn, message_refs, [
            {"message_pk": added[p.row["content_hash"]], "ref_id": ref} for p in new for ref in p.refs
        ])
        _bulk_insert(conn, pending_threading, [{"message_pk": pk} for pk in added.values()])
    _bulk_insert(conn, message_lists, [{"message_pk": pk, "list_name": list_name} for pk in known.values()],
                 ignore_conflicts=True)
    return len(new), len(batch) - len(new)


def _bulk_insert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], *, ignore_conflicts: bool = False) -> None:
    """Insert many rows through the driver's executemany (the ORM-free fast path for imports)."""
    if not rows:
        return
    statement = _insert_ignoring_conflicts(conn, table) if ignore_conflicts else table.insert()
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(rows[0]))
    # Apply each column type's own conversion (dates, booleans) as SQLAlchemy would.
    convert = {
        column.key: column.type.bind_processor(conn.dialect) or _unchanged
        for column in table.columns
        if column.key in rows[0]
    }
    if compiled.positional:
        order = [key for key in compiled.positiontup or ()]
        params: list[Any] = [tuple(convert[key](row[key]) for key in order) for row in rows]
    else:
        params = [{key: convert[key](value) for key, value in row.items()} for row in rows]
    conn.exec_driver_sql(str(compiled), params)


def _unchanged(value: Any) -> Any:
    return value


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
    thread_counts: dict[str, int] = dict(
        conn.execute(
            sa.select(thread_lists.c.list_name, sa.func.count()).group_by(thread_lists.c.list_name)
        ).all()
    )
    return [
        ListSummary(name, count, thread_counts.get(name, 0), _utc_aware(first), _utc_aware(last))
        for name, count, first, last in conn.execute(membership.order_by(message_lists.c.list_name))
    ]


_THREAD_INPUT_COLUMNS = (messages.c.message_id, messages.c.refs, messages.c.in_reply_to, messages.c.date)


def pending_thread_inputs(conn: Connection, limit: int) -> list[tuple[int, ThreadInput]]:
    """Return up to limit (primary key, input) pairs of messages not yet placed in a thread."""
    query = (
        sa.select(pending_threading.c.message_pk, *_THREAD_INPUT_COLUMNS)
        .join(messages, messages.c.id == pending_threading.c.message_pk)
        .order_by(pending_threading.c.message_pk)
        .limit(limit)
    )
    return [(pk, _thread_input(*row)) for pk, *row in conn.execute(query)]


def _thread_input(message_id: str, refs: str, in_reply_to: str | None, date: datetime | None) -> ThreadInput:
    """Build a ThreadInput from stored columns."""
    return ThreadInput(message_id, tuple(refs.split()), in_reply_to, _utc_aware(date))


def touching_thread_ids(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Return the threads holding one of ids (as a message or ghost) or a message referencing one."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids)), 500):
        by_id = sa.select(thread_nodes.c.thread_id).where(thread_nodes.c.message_id.in_(chunk))
        by_ref = (
            sa.select(thread_nodes.c.thread_id)
            .join(messages, messages.c.message_id == thread_nodes.c.message_id)
            .join(message_refs, message_refs.c.message_pk == messages.c.id)
            .where(message_refs.c.ref_id.in_(chunk))
        )
        found.update(t for (t,) in conn.execute(sa.union(by_id, by_ref)))
    return found


def thread_members(conn: Connection, thread_ids: Iterable[str]) -> list[ThreadInput]:
    """Return the stored messages currently placed in the given threads."""
    result: list[ThreadInput] = []
    for chunk in _chunks(sorted(set(thread_ids)), 500):
        query = (
            sa.select(*_THREAD_INPUT_COLUMNS)
            .join(thread_nodes, thread_nodes.c.message_id == messages.c.message_id)
            .where(thread_nodes.c.thread_id.in_(chunk), thread_nodes.c.ghost.is_(False))
        )
        result.extend(_thread_input(*row) for row in conn.execute(query))
    return result


def replace_threads(
    conn: Connection,
    old_ids: set[str],
    trees: Sequence[ThreadTree],
    redirects: dict[str, str],
    placed: Sequence[int],
) -> None:
    """Swap threads old_ids for trees, redirect vanished ids, and mark messages placed as threaded."""
    for chunk in _chunks(sorted(old_ids), 500):
        for table in (thread_nodes, thread_lists, threads):
            conn.execute(table.delete().where(table.c.thread_id.in_(chunk)))
    _bulk_insert(conn, thread_nodes, [
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
    ])
    _summarise_threads(conn, trees)
    _record_redirects(conn, redirects)
    for chunk in _chunks(list(placed), 500):
        conn.execute(pending_threading.delete().where(pending_threading.c.message_pk.in_(chunk)))


def _summarise_threads(conn: Connection, trees: Sequence[ThreadTree]) -> None:
    """Write the threads and thread_lists summary rows for trees."""
    roots = {tree.thread_id: tree.root_id for tree in trees}
    thread_rows: list[dict[str, Any]] = []
    list_rows: list[dict[str, Any]] = []
    for chunk in _chunks(list(roots), 500):
        in_chunk = (
            sa.select(thread_nodes.c.thread_id, messages.c.id, messages.c.date)
            .join(messages, messages.c.message_id == thread_nodes.c.message_id)
            .where(thread_nodes.c.thread_id.in_(chunk), thread_nodes.c.ghost.is_(False))
            .subquery()
        )
        stats = sa.select(
            in_chunk.c.thread_id, sa.func.count(), sa.func.min(in_chunk.c.date), sa.func.max(in_chunk.c.date)
        ).group_by(in_chunk.c.thread_id)
        counts = {t: (n, first, last) for t, n, first, last in conn.execute(stats)}
        subjects = _first_subjects(conn, chunk)
        for thread_id in chunk:
            n, first, last = counts.get(thread_id, (0, None, None))
            thread_rows.append({
                "thread_id": thread_id, "root_id": roots[thread_id], "subject": subjects.get(thread_id, ""),
                "first_date": first, "last_date": last, "message_count": n,
            })
        in_lists = (
            sa.select(in_chunk.c.thread_id, message_lists.c.list_name)
            .join(message_lists, message_lists.c.message_pk == in_chunk.c.id)
            .distinct()
        )
        list_rows.extend({"thread_id": t, "list_name": name} for t, name in conn.execute(in_lists))
    _bulk_insert(conn, threads, thread_rows)
    _bulk_insert(conn, thread_lists, list_rows)


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
    """Forget every derived thread and mark every message as waiting for threading."""
    for table in (thread_nodes, thread_lists, threads, pending_threading):
        conn.execute(table.delete())
    conn.execute(pending_threading.insert().from_select(["message_pk"], sa.select(messages.c.id)))


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
