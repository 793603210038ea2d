"""The schema and every query: the only module that speaks SQL (SQLAlchemy Core)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from archive.errors import StoreError
from archive.models import (
    Address,
    Attachment,
    PAGE_COPY,
    ExtractedItem,
    FoundLink,
    ItemMark,
    ListSummary,
    Meeting,
    MeetingSummary,
    SeriesSummary,
    Message,
    MessageSummary,
    MessageView,
    MonthCount,
    MonthThread,
    QuarantineEntry,
    ThreadEntry,
    ThreadInput,
    ThreadSummary,
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

# A person's page pages through their messages by date from this index alone, not the wide rows.
sa.Index("ix_messages_sender_date", messages.c.from_email, messages.c.date)

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

# A meeting keeps its raw log; the minutes are replayed from it (ingest.meetbot), so these
# columns are only what the index pages list and count.
meetings = sa.Table(
    "meetings",
    metadata,
    sa.Column("meeting_id", sa.Text, primary_key=True),
    sa.Column("series", sa.Text, nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("start", sa.DateTime, index=True),  # naive UTC
    sa.Column("end", sa.DateTime),
    sa.Column("people_count", sa.Integer, nullable=False),
    sa.Column("item_count", sa.Integer, nullable=False),
    sa.Column("action_count", sa.Integer, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("log", sa.Text, nullable=False),
    sa.Column("recap", sa.Text),  # the written recap of a meeting held without a bot
    sa.Column("content_hash", sa.String(64), nullable=False),
)

# Who took part in each meeting (nick and lines said): derived from the log, for people's pages.
meeting_people = sa.Table(
    "meeting_people",
    metadata,
    sa.Column("meeting_id", sa.Text, sa.ForeignKey("meetings.meeting_id"), primary_key=True),
    sa.Column("nick", sa.Text, primary_key=True, index=True),
    sa.Column("lines", sa.Integer, nullable=False),
)

# Action items, decisions and "done"/"dropped" lines found in messages and meetings: derived at
# import (archive/items.py) and re-derived by `minutebook rebuild`, never edited by hand.
extracted_items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("owners_json", sa.Text, nullable=False),
    sa.Column("date", sa.DateTime, index=True),  # naive UTC
    sa.Column("due", sa.Date),
    sa.Column("source_kind", sa.Text, nullable=False),
    sa.Column("source_id", sa.Text, nullable=False, index=True),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("context_line", sa.Integer, nullable=False, default=0),
    sa.Column("ordinal", sa.Integer, nullable=False, default=0),
)

# What people said of action items (done, dropped, reassigned): primary data, which rebuild keeps.
item_marks = sa.Table(
    "item_marks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Text, nullable=False, index=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("owners_json", sa.Text),  # null: the owners stay as found
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),  # naive UTC
)

# References found in messages and meeting logs (archive/links.py), one row each: derived at import
# and by rebuild. What a key resolves to is looked up when read, so a later import resolves it.
links = sa.Table(
    "links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_kind", sa.Text, nullable=False),  # "message" or "meeting"
    sa.Column("source_id", sa.Text, nullable=False, index=True),  # Message-ID or "SERIES/MEETING"
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("key", sa.Text, nullable=False, index=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("anchor", sa.Integer, nullable=False),
    sa.Column("date", sa.DateTime),  # the source's, naive UTC
    sa.Column("snippet", sa.Text, nullable=False),  # the line it is on
)

# Other keys of one thing: a Gerrit change's "change-id:I..." names "gerrit:host/N".
link_aliases = sa.Table(
    "link_aliases",
    metadata,
    sa.Column("alias", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, nullable=False, index=True),
)

# People who may change things (issue 9): a hashed password and one role each.
users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),  # admin, chair or member
    sa.Column("created", sa.DateTime, nullable=False),
)

# What a chair chairs ("series") and which private lists a member may read ("list").
user_scopes = sa.Table(
    "user_scopes",
    metadata,
    sa.Column("name", sa.Text, sa.ForeignKey("users.name"), primary_key=True),
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, primary_key=True),
)

# Every change a person made, oldest first, for /admin/audit.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created", sa.DateTime, nullable=False, index=True),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)

# Messages an admin removed: the permalink answers 410 Gone; the raw bytes are kept only when hidden.
removed_messages = sa.Table(
    "removed_messages",
    metadata,
    sa.Column("message_id", sa.Text, primary_key=True),
    sa.Column("mode", sa.Text, nullable=False),  # "delete" or "hide"
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("raw", sa.LargeBinary),  # the original bytes, for "hide" only
)

# Earlier logs of published meetings that were edited or unpublished: the "edited" note and history.
meeting_versions = sa.Table(
    "meeting_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("meeting_id", sa.Text, nullable=False, index=True),
    sa.Column("saved", sa.DateTime, nullable=False),
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("log", sa.Text, nullable=False),
)

# Lists and meeting series that only some may read (issue 9); everything else is public.
private_scopes = sa.Table(
    "private_scopes",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),  # "list" or "series"
    sa.Column("name", sa.Text, primary_key=True),
)

MESSAGE_SUMMARY_COLUMNS = (
    messages.c.id,
    messages.c.message_id,
    messages.c.subject,
    messages.c.from_name,
    messages.c.from_email,
    messages.c.date,
)


# What the reader of this request may not see: private lists and series (set per web request; the
# command line sees everything). A message or thread in any hidden list is hidden, so content
# cross-posted from a private list never shows.
_HIDDEN: ContextVar[tuple[frozenset[str], frozenset[str]]] = ContextVar("minutebook_hidden",
                                                                        default=(frozenset(), frozenset()))


@contextmanager
def hiding(lists: Iterable[str], series: Iterable[str]) -> Iterator[None]:
    """Hide these lists and series from every read inside the block."""
    token = _HIDDEN.set((frozenset(lists), frozenset(series)))
    try:
        yield
    finally:
        _HIDDEN.reset(token)


def set_hidden(lists: Iterable[str], series: Iterable[str]) -> Token[tuple[frozenset[str], frozenset[str]]]:
    """Hide these lists and series from reads until the returned token is reset (for a web request)."""
    return _HIDDEN.set((frozenset(lists), frozenset(series)))


def reset_hidden(token: Token[tuple[frozenset[str], frozenset[str]]]) -> None:
    """Stop hiding what set_hidden hid."""
    _HIDDEN.reset(token)


def hidden() -> tuple[frozenset[str], frozenset[str]]:
    """Return the (lists, series) hidden from this reader."""
    return _HIDDEN.get()


def _visible_messages(query: Any) -> Any:
    """Return query without messages in a hidden list."""
    lists = hidden()[0]
    if not lists:
        return query
    return query.where(messages.c.id.not_in(
        sa.select(message_lists.c.message_pk).where(message_lists.c.list_name.in_(sorted(lists)))))


def _visible_message_ids(query: Any, column: Any) -> Any:
    """Return query without the Message-IDs of messages in a hidden list."""
    lists = hidden()[0]
    if not lists:
        return query
    private = sa.select(messages.c.message_id).join(message_lists, message_lists.c.message_pk == messages.c.id).where(
        message_lists.c.list_name.in_(sorted(lists)))
    return query.where(column.not_in(private))


def _visible_threads(query: Any, column: Any = None) -> Any:
    """Return query without threads that are in a hidden list."""
    lists = hidden()[0]
    if not lists:
        return query
    column = threads.c.thread_id if column is None else column
    return query.where(column.not_in(sa.select(thread_lists.c.thread_id).where(thread_lists.c.list_name.in_(sorted(lists)))))


def _visible_series(query: Any, column: Any = None) -> Any:
    """Return query without meetings of hidden series."""
    series = hidden()[1]
    return query.where((meetings.c.series if column is None else column).not_in(sorted(series))) if series else query


def private_names(conn: Connection) -> list[tuple[str, str]]:
    """Return (kind, name) of every private list and series."""
    return [(kind, name) for kind, name in conn.execute(sa.select(private_scopes.c.kind, private_scopes.c.name))]


def make_private(conn: Connection, kind: str, name: str) -> None:
    """Make a list or a series private (before anything of it is stored, for an import)."""
    conn.execute(_insert_ignoring_conflicts(conn, private_scopes), [{"kind": kind, "name": name}])


def open_engine(url: str) -> Engine:
    """Create an engine for url and make sure the schema exists."""
    try:
        engine = sa.create_engine(url)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        metadata.create_all(engine)
        with engine.begin() as conn:
            _add_missing_columns(conn)
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"cannot open the database {url}: {error}") from error
    return engine


def _add_missing_columns(conn: Connection) -> None:
    """Give an archive made by an earlier Minutebook the columns added since (create_all adds only tables).

    A new column is nullable or has a default, so the rows already stored stay valid; derived
    columns are then filled by `minutebook rebuild`.
    """
    inspector = sa.inspect(conn)
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            default = getattr(column.default, "arg", None) if column.default is not None and column.default.is_scalar else None
            if not column.nullable and default is None:
                raise StoreError(f"the archive lacks {table.name}.{column.name}, which has no default: import it "
                                 f"again into a new data directory")
            kind = column.type.compile(dialect=conn.dialect)
            tail = "" if column.nullable else f" NOT NULL DEFAULT {int(default) if isinstance(default, bool) else default!r}"
            conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}{tail}')


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
    links: tuple[FoundLink, ...] = ()  # the references its body makes (found in the parser processes too)


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
    new = _merged_with_page_copies(conn, [by_hash[h] for h in by_hash if h not in known], known)
    if new:
        _bulk_insert(conn, messages, [p.row for p in new])
        added = _ids_by_hash(conn, [p.row["content_hash"] for p in new])
        known.update(added)
        _bulk_insert(conn, message_raw, [{"message_pk": added[p.row["content_hash"]], "raw": p.raw} for p in new])
        _bulk_insert(conn, message_refs, [
            {"message_pk": added[p.row["content_hash"]], "ref_id": ref} for p in new for ref in p.refs
        ])
        _bulk_insert(conn, pending_threading, [{"message_pk": pk} for pk in added.values()])
        _bulk_insert(conn, links, [_link_row(link) for p in new for link in p.links])
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
        # dialect_impl: the generic type has no processor, which left SQLite dates in sqlite3's format,
        # not the one SQLAlchemy binds in queries, so equal dates compared unequal.
        column.key: column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect) or _unchanged
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


def _from_page(source: str) -> bool:
    """Tell whether a message was read from a saved web page (its copy of the text, not the original mail)."""
    return source.endswith(PAGE_COPY)


def _merged_with_page_copies(conn: Connection, new: list[PreparedMessage], known: dict[str, int]) -> list[PreparedMessage]:
    """Return the messages to add, a message read from a web page and its original mail being one message.

    A page's copy of a message already stored is not added (the stored one learns the page's URL);
    an original arriving after a page's copy replaces that copy.
    """
    ids = [p.row["message_id"] for p in new if not p.row["generated_id"]]
    stored: dict[str, tuple[int, str, str | None]] = {}
    for chunk in _chunks(ids, 500):
        query = sa.select(messages.c.message_id, messages.c.id, messages.c.source, messages.c.source_url).where(
            messages.c.message_id.in_(chunk))
        stored.update({mid: (pk, source, url) for mid, pk, source, url in conn.execute(query)})
    kept = []
    for prepared in new:
        twin = stored.get(prepared.row["message_id"]) if not prepared.row["generated_id"] else None
        if twin is None and prepared.row["generated_id"] and _from_page(prepared.row["source"]):
            twin = _same_text(conn, prepared.row)  # a page without the Message-ID: the same sender, time and words
        if twin is None or _from_page(prepared.row["source"]) == _from_page(twin[1]):
            kept.append(prepared)
        elif _from_page(prepared.row["source"]):
            known[prepared.row["content_hash"]] = twin[0]  # the mail stands for the page: list it too
            if twin[2] is None:
                conn.execute(messages.update().where(messages.c.id == twin[0]).values(source_url=prepared.row["source_url"]))
        else:
            _forget_message(conn, twin[0], prepared.row["message_id"])
            kept.append(replace(prepared, row={**prepared.row, "source_url": prepared.row["source_url"] or twin[2]}))
    return kept


def _same_text(conn: Connection, row: dict[str, Any]) -> tuple[int, str, str | None] | None:
    """Return the stored message a page's copy shows, found by sender, date (within a minute) and words."""
    if not row["from_email"] or row["date"] is None:
        return None
    query = sa.select(messages.c.id, messages.c.source, messages.c.source_url, messages.c.body).where(
        messages.c.from_email == row["from_email"], messages.c.date.between(
            row["date"] - timedelta(minutes=1), row["date"] + timedelta(minutes=1)))
    words = _words_of(row["body"])
    for pk, source, url, body in conn.execute(query):
        if not _from_page(source) and _words_of(body) == words:
            return pk, source, url
    return None


def _words_of(body: str) -> str:
    """Return a body's letters and digits only, to compare a page's copy of a message with the original."""
    return re.sub(r"\W+", "", body.casefold())[:2000]


def _forget_message(conn: Connection, pk: int, message_id: str) -> None:
    """Delete a stored message and what was stored with it (its derived rows come back with its replacement)."""
    for table in (message_raw, message_lists, message_refs, pending_threading):
        conn.execute(table.delete().where(table.c.message_pk == pk))
    conn.execute(links.delete().where(links.c.source_kind == "message", links.c.source_id == message_id))
    conn.execute(messages.delete().where(messages.c.id == pk))


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
        conn.execute(_visible_threads(
            sa.select(thread_lists.c.list_name, sa.func.count()).group_by(thread_lists.c.list_name),
            thread_lists.c.thread_id)).all()
    )
    return [
        ListSummary(name, count, thread_counts.get(name, 0), _utc_aware(first), _utc_aware(last))
        for name, count, first, last in conn.execute(_visible_messages(membership).order_by(message_lists.c.list_name))
        if name not in hidden()[0]
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


# ---------------------------------------------------------------------------
# Reading for the web pages (issue 3): page-sized queries that return models.
# ---------------------------------------------------------------------------

_earlier = messages.alias("earlier")
# The n-th stored message sharing a Message-ID is version n (by storage order).
_VERSION = (
    sa.select(sa.func.count())
    .where(_earlier.c.message_id == messages.c.message_id, _earlier.c.id < messages.c.id)
    .scalar_subquery()
    + 1
)
_SUMMARY_COLUMNS = (
    messages.c.message_id,
    _VERSION,
    messages.c.subject,
    messages.c.from_name,
    messages.c.from_email,
    messages.c.date,
    messages.c.utc_offset,
)
_VIEW_COLUMNS = (
    messages.c.id,
    *_SUMMARY_COLUMNS,
    messages.c.to_json,
    messages.c.cc_json,
    messages.c.date_uncertain,
    messages.c.body,
    messages.c.body_from_html,
    messages.c.attachments_json,
)


def _summary(message_id: str, version: int, subject: str, name: str, email: str,
             date: datetime | None, offset: int | None) -> MessageSummary:
    """Build a MessageSummary from the _SUMMARY_COLUMNS of one row."""
    return MessageSummary(message_id, version, subject, Address(name, email), _utc_aware(date), offset)


def _view(row: Sequence[Any], lists: tuple[str, ...]) -> MessageView:
    """Build a MessageView from the _VIEW_COLUMNS of one row (after its primary key)."""
    (message_id, version, subject, name, email, date, offset,
     to_json, cc_json, uncertain, body, from_html, attachments_json) = row
    return MessageView(
        message_id, version, subject, Address(name, email), _utc_aware(date), offset,
        to=_addresses(to_json), cc=_addresses(cc_json), date_uncertain=bool(uncertain), body=body,
        body_from_html=bool(from_html), attachments=stored_attachments(attachments_json), lists=lists,
    )


def data_version(conn: Connection) -> tuple[int, ...]:
    """Return a cheap fingerprint that changes whenever messages, lists, threads, items or marks change."""
    counts = sa.select(
        sa.select(sa.func.max(messages.c.id)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(message_lists).scalar_subquery(),
        sa.select(sa.func.count()).select_from(threads).scalar_subquery(),
        sa.select(sa.func.count()).select_from(pending_threading).scalar_subquery(),
        sa.select(sa.func.count()).select_from(thread_aliases).scalar_subquery(),
        sa.select(sa.func.max(extracted_items.c.id)).scalar_subquery(),  # items are written anew, never edited
        sa.select(sa.func.max(item_marks.c.id)).scalar_subquery(),
    )
    return tuple(value or 0 for value in conn.execute(counts).one())


def list_descriptions(conn: Connection) -> dict[str, str]:
    """Return {list name: description} for every list, by name."""
    query = sa.select(lists.c.name, lists.c.description).order_by(lists.c.name)
    return {name: description or "" for name, description in conn.execute(query) if name not in hidden()[0]}


def list_month_counts(conn: Connection) -> dict[str, list[MonthCount]]:
    """Return each list's messages per month (UTC), oldest month first; undated messages are left out."""
    year, month = sa.extract("year", messages.c.date), sa.extract("month", messages.c.date)
    query = (
        sa.select(message_lists.c.list_name, year, month, sa.func.count())
        .join(messages, messages.c.id == message_lists.c.message_pk)
        .where(messages.c.date.is_not(None))
        .group_by(message_lists.c.list_name, year, month)
        .order_by(message_lists.c.list_name, year, month)
    )
    found: dict[str, list[MonthCount]] = {}
    for name, y, m, count in conn.execute(_visible_messages(query)):
        if name not in hidden()[0]:
            found.setdefault(name, []).append(MonthCount(int(y), int(m), count))
    return found


_nodes = thread_nodes.alias("first_node")


def _starters(conn: Connection, thread_ids: Sequence[str]) -> dict[str, Address]:
    """Return the sender of each thread's first real message in display order."""
    first = (
        sa.select(sa.func.min(_nodes.c.position))
        .where(_nodes.c.thread_id == thread_nodes.c.thread_id, _nodes.c.ghost.is_(False))
        .scalar_subquery()
    )
    found: dict[str, Address] = {}
    for chunk in _chunks(list(thread_ids), 500):
        query = (
            sa.select(thread_nodes.c.thread_id, messages.c.from_name, messages.c.from_email)
            .join(messages, messages.c.message_id == thread_nodes.c.message_id)
            .where(thread_nodes.c.thread_id.in_(chunk), thread_nodes.c.position == first)
            .order_by(messages.c.id.desc())
        )
        found.update({thread_id: Address(name, email) for thread_id, name, email in conn.execute(query)})
    return found


_THREAD_COLUMNS = (threads.c.thread_id, threads.c.subject, threads.c.message_count,
                   threads.c.first_date, threads.c.last_date)


def _thread_summaries(conn: Connection, rows: Sequence[Sequence[Any]]) -> list[ThreadSummary]:
    """Turn rows of _THREAD_COLUMNS into ThreadSummaries, in the same order."""
    starters = _starters(conn, [row[0] for row in rows])
    return [
        ThreadSummary(thread_id, subject, count, _utc_aware(first), _utc_aware(last),
                      starters.get(thread_id, Address("", "")))
        for thread_id, subject, count, first, last in rows
    ]


def _thread_in_list(list_name: str) -> sa.ColumnElement[bool]:
    """Return a condition: the thread has a message in list_name (EXISTS, so date indexes stay usable)."""
    return sa.exists().where(thread_lists.c.thread_id == threads.c.thread_id, thread_lists.c.list_name == list_name)


def list_threads(conn: Connection, list_name: str, *, limit: int, offset: int = 0) -> list[ThreadSummary]:
    """Return a page of a list's threads, most recently active first."""
    query = (
        sa.select(*_THREAD_COLUMNS)
        .where(_thread_in_list(list_name))
        .order_by(threads.c.last_date.desc(), threads.c.thread_id.desc())
        .limit(limit)
        .offset(offset)
    )
    return _thread_summaries(conn, conn.execute(_visible_threads(query)).all())


def _in_list(list_name: str) -> sa.ColumnElement[bool]:
    """Return a condition: the message is in list_name."""
    # EXISTS rather than a join lets SQLite read a date range from the date index and check each
    # message's membership, instead of walking every message of the list.
    return sa.exists().where(message_lists.c.message_pk == messages.c.id, message_lists.c.list_name == list_name)


def month_threads(conn: Connection, list_name: str, start: datetime, end: datetime) -> list[MonthThread]:
    """Return the threads with messages in list_name dated in [start, end), with their share of them."""
    in_month = (
        sa.select(thread_nodes.c.thread_id, sa.func.count(), sa.func.min(messages.c.date), sa.func.max(messages.c.date))
        .select_from(messages)
        .join(thread_nodes, thread_nodes.c.message_id == messages.c.message_id)
        .where(messages.c.date >= _utc_naive(start), messages.c.date < _utc_naive(end), _in_list(list_name))
        .group_by(thread_nodes.c.thread_id)
    )
    shares = {thread_id: (count, first, last)
              for thread_id, count, first, last in conn.execute(_visible_threads(in_month, thread_nodes.c.thread_id))}
    result: list[MonthThread] = []
    for chunk in _chunks(sorted(shares), 500):
        rows = conn.execute(sa.select(*_THREAD_COLUMNS).where(threads.c.thread_id.in_(chunk))).all()
        for summary in _thread_summaries(conn, rows):
            count, first, last = shares[summary.thread_id]
            result.append(MonthThread(summary, count, _utc_aware(first), _utc_aware(last)))
    return result


def thread_summary(conn: Connection, thread_id: str) -> ThreadSummary | None:
    """Return one thread's summary, or None when there is no such thread."""
    rows = conn.execute(_visible_threads(sa.select(*_THREAD_COLUMNS).where(threads.c.thread_id == thread_id))).all()
    return _thread_summaries(conn, rows)[0] if rows else None


def thread_list_names(conn: Connection, thread_id: str) -> tuple[str, ...]:
    """Return the lists a thread has messages in, by name."""
    query = sa.select(thread_lists.c.list_name).where(thread_lists.c.thread_id == thread_id)
    return tuple(sorted(name for (name,) in conn.execute(query) if name not in hidden()[0]))


def neighbour_threads(
    conn: Connection, list_name: str, thread: ThreadSummary
) -> tuple[ThreadSummary | None, ThreadSummary | None]:
    """Return the threads of list_name started just before and just after thread (None at the ends)."""
    first = _utc_naive(thread.first)
    if first is None:
        return None, None
    in_list = _visible_threads(sa.select(*_THREAD_COLUMNS).where(_thread_in_list(list_name)).limit(1))
    same_start = in_list.where(threads.c.first_date == first)
    # Ties on the start date are broken by thread id; each query below can use an index alone.
    previous = (
        conn.execute(same_start.where(threads.c.thread_id < thread.thread_id)
                     .order_by(threads.c.thread_id.desc())).all()
        or conn.execute(in_list.where(threads.c.first_date < first)
                        .order_by(threads.c.first_date.desc(), threads.c.thread_id.desc())).all()
    )
    following = (
        conn.execute(same_start.where(threads.c.thread_id > thread.thread_id).order_by(threads.c.thread_id)).all()
        or conn.execute(in_list.where(threads.c.first_date > first)
                        .order_by(threads.c.first_date, threads.c.thread_id)).all()
    )
    return _first_or_none(_thread_summaries(conn, previous)), _first_or_none(_thread_summaries(conn, following))


def _first_or_none(summaries: list[ThreadSummary]) -> ThreadSummary | None:
    return summaries[0] if summaries else None


def _lists_of(conn: Connection, pks: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Return the lists each of the given messages is in."""
    found: dict[int, list[str]] = {}
    for chunk in _chunks(list(pks), 500):
        query = sa.select(message_lists.c.message_pk, message_lists.c.list_name).where(
            message_lists.c.message_pk.in_(chunk))
        for pk, name in conn.execute(query):
            found.setdefault(pk, []).append(name)
    return {pk: tuple(sorted(names)) for pk, names in found.items()}


def lists_of_messages(conn: Connection, message_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Return the lists each of the given Message-IDs was posted to."""
    found: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(set(message_ids)), 500):
        query = sa.select(messages.c.message_id, message_lists.c.list_name).join(
            message_lists, message_lists.c.message_pk == messages.c.id).where(messages.c.message_id.in_(chunk))
        for message_id, name in conn.execute(query):
            found.setdefault(message_id, set()).add(name)
    return {message_id: tuple(sorted(names)) for message_id, names in found.items()}


def thread_entries(conn: Connection, thread_id: str, *, bodies: bool) -> list[ThreadEntry]:
    """Return a thread's nodes in display order, with full messages or only summaries."""
    columns = _VIEW_COLUMNS if bodies else (messages.c.id, *_SUMMARY_COLUMNS)
    query = (
        sa.select(thread_nodes.c.message_id, thread_nodes.c.parent_id, thread_nodes.c.depth, *columns)
        .select_from(thread_nodes)
        .outerjoin(messages, sa.and_(messages.c.message_id == thread_nodes.c.message_id,
                                     thread_nodes.c.ghost.is_(False)))
        .where(thread_nodes.c.thread_id == thread_id)
        .order_by(thread_nodes.c.position, messages.c.id)
    )
    rows = conn.execute(query).all()
    lists_by_pk = _lists_of(conn, [row[3] for row in rows if row[3] is not None]) if bodies else {}
    entries = []
    for message_id, parent_id, depth, pk, *rest in rows:
        message: MessageSummary | None = None
        if pk is not None:
            message = _view(rest, lists_by_pk.get(pk, ())) if bodies else _summary(*rest)
        entries.append(ThreadEntry(message_id, parent_id, depth, message))
    return entries


def message_keys(conn: Connection, message_id: str) -> list[int]:
    """Return the primary keys of the stored messages with this Message-ID, oldest first."""
    query = sa.select(messages.c.id).where(messages.c.message_id == message_id).order_by(messages.c.id)
    return [pk for (pk,) in conn.execute(_visible_messages(query))]


def message_view(conn: Connection, message_pk: int) -> MessageView | None:
    """Return one stored message as a reader sees it."""
    row = conn.execute(sa.select(*_VIEW_COLUMNS).where(messages.c.id == message_pk)).first()
    return _view(row[1:], _lists_of(conn, [message_pk]).get(message_pk, ())) if row else None


def message_views_by_hash(conn: Connection, hashes: Sequence[str]) -> list[MessageView]:
    """Return the stored messages with these content hashes, in the order given."""
    pks = _ids_by_hash(conn, hashes)
    if hidden()[0]:
        visible = set(conn.execute(_visible_messages(sa.select(messages.c.id).where(messages.c.id.in_(list(pks.values()))))).scalars())
        pks = {content_hash: pk for content_hash, pk in pks.items() if pk in visible}
    views = (message_view(conn, pks[content_hash]) for content_hash in hashes if content_hash in pks)
    return [view for view in views if view is not None]


def message_thread_id(conn: Connection, message_id: str) -> str | None:
    """Return the thread holding message_id, or None while it waits for threading."""
    query = sa.select(thread_nodes.c.thread_id).where(thread_nodes.c.message_id == message_id).limit(1)
    return conn.execute(query).scalar()


def sender_pairs(conn: Connection) -> list[tuple[str, str, int]]:
    """Return every (display name, address, messages) combination seen in From headers."""
    query = (
        sa.select(messages.c.from_name, messages.c.from_email, sa.func.count())
        .group_by(messages.c.from_name, messages.c.from_email)
    )
    return [(name, email, count) for name, email, count in conn.execute(_visible_messages(query))]


def _sent_by(emails: Sequence[str], shared: Sequence[Address]) -> Any:
    """Return a condition: sent from one of emails, or from a shared address under the given name."""
    conditions: list[sa.ColumnElement[bool]] = [messages.c.from_email.in_(list(emails))] if emails else []
    conditions.extend(sa.and_(messages.c.from_email == a.email, messages.c.from_name == a.name) for a in shared)
    return sa.or_(*conditions) if conditions else sa.false()


def messages_from(conn: Connection, emails: Sequence[str], shared: Sequence[Address] = (), *,
                  limit: int, offset: int = 0) -> list[MessageSummary]:
    """Return a page of the messages sent by a person (see archive.people), newest first."""
    page = (
        sa.select(messages.c.id)
        .where(_sent_by(emails, shared))
        .order_by(messages.c.date.desc(), messages.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    pks = [pk for (pk,) in conn.execute(_visible_messages(page))]
    if not pks:
        return []
    rows = conn.execute(sa.select(messages.c.id, *_SUMMARY_COLUMNS).where(messages.c.id.in_(pks))).all()
    by_pk = {pk: _summary(*rest) for pk, *rest in rows}
    return [by_pk[pk] for pk in pks]


def count_from(conn: Connection, emails: Sequence[str], shared: Sequence[Address] = ()) -> int:
    """Return how many messages a person sent."""
    query = sa.select(sa.func.count()).select_from(messages).where(_sent_by(emails, shared))
    return conn.execute(_visible_messages(query)).scalar() or 0


def lists_posted_to(conn: Connection, emails: Sequence[str], shared: Sequence[Address] = ()) -> tuple[str, ...]:
    """Return the lists holding a message a person sent."""
    query = (
        sa.select(message_lists.c.list_name).distinct()
        .join(messages, messages.c.id == message_lists.c.message_pk)
        .where(_sent_by(emails, shared))
    )
    return tuple(sorted(name for (name,) in conn.execute(_visible_messages(query)) if name not in hidden()[0]))


def recent_messages(conn: Connection, *, list_name: str | None = None, thread_id: str | None = None,
                    limit: int = 50) -> list[MessageView]:
    """Return the newest messages of a list or a thread, newest first."""
    query = sa.select(*_VIEW_COLUMNS).order_by(messages.c.date.desc(), messages.c.id.desc()).limit(limit)
    if list_name is not None:
        query = query.where(_in_list(list_name))  # walks the date index backwards, newest first
    if thread_id is not None:
        query = query.join(thread_nodes, thread_nodes.c.message_id == messages.c.message_id).where(
            thread_nodes.c.thread_id == thread_id)
    rows = conn.execute(_visible_messages(query)).all()
    lists_by_pk = _lists_of(conn, [row[0] for row in rows])
    return [_view(row[1:], lists_by_pk.get(row[0], ())) for row in rows]


def thread_message_keys(conn: Connection, thread_id: str) -> list[int]:
    """Return the primary keys of a thread's messages, by date."""
    query = (
        sa.select(messages.c.id)
        .join(thread_nodes, thread_nodes.c.message_id == messages.c.message_id)
        .where(thread_nodes.c.thread_id == thread_id)
        .order_by(messages.c.date, messages.c.id)
    )
    return [pk for (pk,) in conn.execute(_visible_messages(query))]


def month_message_keys(conn: Connection, list_name: str, start: datetime, end: datetime) -> list[int]:
    """Return the primary keys of list_name's messages dated in [start, end), by date."""
    query = (
        sa.select(messages.c.id)
        .where(messages.c.date >= _utc_naive(start), messages.c.date < _utc_naive(end), _in_list(list_name))
        .order_by(messages.c.date, messages.c.id)
    )
    return [pk for (pk,) in conn.execute(_visible_messages(query))]


def raw_messages(conn: Connection, message_pks: Sequence[int]) -> Iterator[bytes]:
    """Yield the original bytes of the given messages in the given order, a few at a time."""
    for chunk in _chunks(list(message_pks), 100):
        query = sa.select(message_raw.c.message_pk, message_raw.c.raw).where(message_raw.c.message_pk.in_(chunk))
        found = {pk: bytes(raw) for pk, raw in conn.execute(query)}
        yield from (found[pk] for pk in chunk if pk in found)


# --- search support ---
# What the search index is built from (read by archive/indexing.py; search/ never sees SQL).

_INDEX_COLUMNS = (
    messages.c.id, messages.c.message_id, messages.c.content_hash, messages.c.subject,
    messages.c.from_name, messages.c.from_email, messages.c.to_json, messages.c.cc_json,
    messages.c.date, messages.c.utc_offset, messages.c.date_uncertain, messages.c.in_reply_to,
    messages.c.refs, messages.c.body, messages.c.body_from_html, messages.c.generated_id,
    messages.c.source_url,
)

IndexedMessage = tuple[int, Message, tuple[str, ...], str | None]


def messages_to_index(
    conn: Connection, *, after: int = 0, limit: int = 1000, thread_ids: Sequence[str] | None = None,
    hashes: Sequence[str] | None = None,
) -> list[IndexedMessage]:
    """Return up to limit (primary key, message, lists, thread id) after primary key `after`.

    The messages carry no raw bytes, attachments or defects (indexing needs none of them).
    With thread_ids, only the messages placed in those threads are returned; with hashes, only
    the messages with those content hashes.
    """
    query = sa.select(*_INDEX_COLUMNS).where(messages.c.id > after).order_by(messages.c.id).limit(limit)
    if thread_ids is not None:
        members = sa.select(thread_nodes.c.message_id).where(thread_nodes.c.thread_id.in_(list(thread_ids)))
        query = query.where(messages.c.message_id.in_(members))
    if hashes is not None:
        query = query.where(messages.c.content_hash.in_(list(hashes)))
    rows = conn.execute(query).all()
    pks = [row[0] for row in rows]
    in_lists = _lists_of(conn, pks)
    threads_of = threads_of_messages(conn, [row[1] for row in rows])
    return [(row[0], _indexed_message(row), in_lists.get(row[0], ()), threads_of.get(row[1])) for row in rows]


def _indexed_message(row: Sequence[Any]) -> Message:
    """Build a Message (without raw bytes) from the _INDEX_COLUMNS of one row."""
    (_pk, message_id, content_hash, subject, name, email, to_json, cc_json, date, offset,
     uncertain, in_reply_to, refs, body, from_html, generated, source_url) = row
    return Message(
        message_id=message_id, content_hash=content_hash, subject=subject, sender=Address(name, email),
        to=_addresses(to_json), cc=_addresses(cc_json), date=_utc_aware(date), utc_offset_minutes=offset,
        date_uncertain=bool(uncertain), in_reply_to=in_reply_to, references=tuple(refs.split()),
        body=body, body_from_html=bool(from_html), attachments=(), defects=(), raw=b"",
        generated_id=bool(generated), source_url=source_url,
    )


def threads_of_messages(conn: Connection, message_ids: Sequence[str]) -> dict[str, str]:
    """Return the thread each of the given Message-IDs is placed in."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(set(message_ids)), 500):
        query = sa.select(thread_nodes.c.message_id, thread_nodes.c.thread_id).where(
            thread_nodes.c.message_id.in_(chunk), thread_nodes.c.ghost.is_(False))
        found.update(conn.execute(query).all())
    return found


def content_hashes(conn: Connection) -> Iterator[str]:
    """Yield the content hash of every stored message (what the index should hold)."""
    yield from conn.execute(sa.select(messages.c.content_hash).order_by(messages.c.id)).scalars()


def bodies_by_hash(conn: Connection, hashes: Sequence[str]) -> dict[str, str]:
    """Return {content hash: body} of the given stored messages."""
    found: dict[str, str] = {}
    for chunk in _chunks(list(hashes), 500):
        query = sa.select(messages.c.content_hash, messages.c.body).where(messages.c.content_hash.in_(chunk))
        found.update(conn.execute(query).all())
    return found


def largest_threads(conn: Connection, *, limit: int = 1) -> list[ThreadSummary]:
    """Return the threads with the most messages, largest first."""
    query = sa.select(*_THREAD_COLUMNS).order_by(threads.c.message_count.desc(), threads.c.thread_id).limit(limit)
    return _thread_summaries(conn, conn.execute(query).all())


def message_ids(conn: Connection) -> list[str]:
    """Return every stored Message-ID once, in storage order."""
    query = sa.select(messages.c.message_id).group_by(messages.c.message_id).order_by(sa.func.min(messages.c.id))
    return [message_id for (message_id,) in conn.execute(query)]


def add_meeting(conn: Connection, meeting: Meeting, *, file_name: str, source: str, log: str, content_hash: str,
                recap: str | None = None) -> str:
    """Store a meeting's raw log (and recap) and summary; return "added", "updated" or "duplicate"."""
    found = conn.execute(sa.select(meetings.c.content_hash).where(meetings.c.meeting_id == meeting.meeting_id)).first()
    if found is not None and found[0] == content_hash:
        return "duplicate"
    row = {**_meeting_row(meeting), "file_name": file_name, "source": source, "log": log, "recap": recap,
           "content_hash": content_hash}
    if found is None:
        conn.execute(meetings.insert().values(**row))
    else:
        conn.execute(meetings.update().where(meetings.c.meeting_id == meeting.meeting_id).values(**row))
    set_meeting_people(conn, meeting)
    return "added" if found is None else "updated"


def _meeting_row(meeting: Meeting) -> dict[str, Any]:
    """Return the derived columns of a meeting's row."""
    return {
        "meeting_id": meeting.meeting_id, "series": meeting.series, "title": meeting.title,
        "start": _utc_naive(meeting.start), "end": _utc_naive(meeting.end), "people_count": len(meeting.people),
        "item_count": len(meeting.items), "action_count": sum(1 for item in meeting.items if item.type == "ACTION"),
    }


def refresh_meeting(conn: Connection, meeting: Meeting) -> None:
    """Rewrite what is derived of a stored meeting (after its log was replayed again)."""
    conn.execute(meetings.update().where(meetings.c.meeting_id == meeting.meeting_id).values(**_meeting_row(meeting)))
    set_meeting_people(conn, meeting)


def set_meeting_people(conn: Connection, meeting: Meeting) -> None:
    """Record who took part in a meeting (replacing what was recorded before)."""
    conn.execute(meeting_people.delete().where(meeting_people.c.meeting_id == meeting.meeting_id))
    rows = [{"meeting_id": meeting.meeting_id, "nick": nick, "lines": lines} for nick, lines in meeting.people]
    if rows:
        conn.execute(meeting_people.insert(), rows)


def meeting_nicks(conn: Connection) -> list[str]:
    """Return every nick that took part in a meeting."""
    query = sa.select(meeting_people.c.nick).distinct().order_by(meeting_people.c.nick)
    if hidden()[1]:
        query = query.where(meeting_people.c.meeting_id.in_(_visible_series(sa.select(meetings.c.meeting_id))))
    return list(conn.execute(query).scalars())


def meetings_of(conn: Connection, nicks: Sequence[str]) -> list[MeetingSummary]:
    """Return the meetings any of these nicks took part in, newest first."""
    attended = sa.select(meeting_people.c.meeting_id).where(meeting_people.c.nick.in_(list(nicks)))
    query = sa.select(*_MEETING_COLUMNS).where(meetings.c.meeting_id.in_(attended)).order_by(
        meetings.c.start.desc(), meetings.c.meeting_id.desc())
    return [_meeting_summary(row) for row in conn.execute(_visible_series(query))]


def series_summaries(conn: Connection) -> list[SeriesSummary]:
    """Return every meeting series with its meeting count, last meeting and action items, by name."""
    query = sa.select(
        meetings.c.series, sa.func.count(), sa.func.max(meetings.c.start), sa.func.sum(meetings.c.action_count)
    ).group_by(meetings.c.series).order_by(meetings.c.series)
    return [SeriesSummary(name, count, _utc_aware(last), int(actions or 0))
            for name, count, last, actions in conn.execute(_visible_series(query))]


def series_meetings(conn: Connection, series: str) -> list[MeetingSummary]:
    """Return the meetings of one series, newest first."""
    query = sa.select(*_MEETING_COLUMNS).where(meetings.c.series == series).order_by(
        meetings.c.start.desc(), meetings.c.meeting_id.desc())
    return [_meeting_summary(row) for row in conn.execute(_visible_series(query))]


def meeting_log(conn: Connection, meeting_id: str) -> tuple[MeetingSummary, str, str, str | None] | None:
    """Return a meeting's summary, file name, raw log and recap (if any), or None."""
    row = conn.execute(_visible_series(sa.select(*_MEETING_COLUMNS, meetings.c.file_name, meetings.c.log,
                                                 meetings.c.recap).where(meetings.c.meeting_id == meeting_id))).first()
    return (_meeting_summary(row[:-3]), row[-3], row[-2], row[-1]) if row else None


def all_meeting_logs(conn: Connection, series: str | None = None
                     ) -> Iterator[tuple[MeetingSummary, str, str, str | None]]:
    """Yield (summary, file name, raw log, recap) of every meeting (or one series'), oldest first."""
    query = sa.select(*_MEETING_COLUMNS, meetings.c.file_name, meetings.c.log, meetings.c.recap).order_by(
        meetings.c.start, meetings.c.meeting_id)
    if series is not None:
        query = query.where(meetings.c.series == series)
    for row in conn.execute(_visible_series(query)):
        yield _meeting_summary(row[:-3]), row[-3], row[-2], row[-1]


_MEETING_COLUMNS = (meetings.c.meeting_id, meetings.c.series, meetings.c.title, meetings.c.start,
                    meetings.c.end, meetings.c.people_count, meetings.c.item_count, meetings.c.action_count)


def _meeting_summary(row: Sequence[Any]) -> MeetingSummary:
    """Build a MeetingSummary from the _MEETING_COLUMNS of one row."""
    meeting_id, series, title, start, end, people, items, actions = row
    return MeetingSummary(meeting_id, series, title, _utc_aware(start), _utc_aware(end), people, items, actions)


# What makes a message worth reading for items: an explicit marker in its body, or a subject or
# body that looks like minutes (SQLite's LIKE ignores ASCII case).
ITEM_MARKERS = ("ACTION:", "AI:", "TODO(", "Decision:", "RESOLVED:", "RESOLUTION:", "AGREED:", "DONE:", "DROPPED:")
MINUTES_HINTS = ("minutes", "meeting notes", "notes from", "summary", "recap", "attendees", "present:",
                 "action items")


def item_candidates(conn: Connection, thread_ids: Sequence[str]
                    ) -> Iterator[tuple[str, str, datetime | None, str, str]]:
    """Yield (Message-ID, subject, date, body, sender's name) of the messages in these threads that may hold items."""
    members = _thread_members(thread_ids)
    wanted = sa.or_(*(messages.c.body.contains(marker, autoescape=True) for marker in ITEM_MARKERS),
                    *(messages.c.subject.contains(hint, autoescape=True) for hint in MINUTES_HINTS),
                    *(messages.c.body.contains(hint, autoescape=True) for hint in MINUTES_HINTS[-3:]))
    query = sa.select(messages.c.message_id, messages.c.subject, messages.c.date, messages.c.body,
                      messages.c.from_name).where(messages.c.message_id.in_(members), wanted).order_by(
        messages.c.date, messages.c.id)
    for message_id, subject, date, body, name in conn.execute(query):
        yield message_id, subject, _utc_aware(date), body, name


def vote_threads(conn: Connection, thread_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """Return (thread id, subject, root Message-ID) of those threads whose subject holds "[VOTE]"."""
    query = sa.select(threads.c.thread_id, threads.c.subject, threads.c.root_id).where(
        threads.c.subject.contains("[VOTE]", autoescape=True), threads.c.thread_id.in_(list(thread_ids)))
    return [(thread_id, subject, root_id) for thread_id, subject, root_id in conn.execute(query)]


def thread_ids_all(conn: Connection) -> list[str]:
    """Return the id of every thread."""
    return list(conn.execute(sa.select(threads.c.thread_id)).scalars())


def meeting_ids_all(conn: Connection) -> list[str]:
    """Return the id of every meeting."""
    return list(conn.execute(sa.select(meetings.c.meeting_id)).scalars())


def _thread_members(thread_ids: Sequence[str]) -> Any:
    """Return a query of the Message-IDs placed in these threads."""
    return sa.select(thread_nodes.c.message_id).where(thread_nodes.c.thread_id.in_(list(thread_ids)))


def _forget_derived(conn: Connection, table: sa.Table, thread_ids: Sequence[str], meeting_sources: Sequence[str]) -> None:
    """Delete the rows a derived table (items, links) holds for these threads' messages and these meetings."""
    if thread_ids:
        conn.execute(table.delete().where(table.c.source_kind == "message", table.c.source_id.in_(_thread_members(thread_ids))))
    for chunk in _chunks(list(meeting_sources), 500):
        conn.execute(table.delete().where(table.c.source_kind == "meeting", table.c.source_id.in_(chunk)))


def replace_items(conn: Connection, *, thread_ids: Sequence[str] = (), meeting_sources: Sequence[str] = (),
                  found: Sequence[ExtractedItem] = ()) -> None:
    """Forget the items of these threads' messages and these meetings ("SERIES/ID"), then store found."""
    _forget_derived(conn, extracted_items, thread_ids, meeting_sources)
    rows = [{"kind": item.kind, "text": item.text, "owners_json": json.dumps(item.owners, ensure_ascii=False),
             "date": _utc_naive(item.date), "due": item.due, "source_kind": item.source_kind,
             "source_id": item.source_id, "line": item.line, "rule": item.rule, "context_line": item.context_line,
             "ordinal": item.ordinal}
            for item in found]
    if rows:
        conn.execute(extracted_items.insert(), rows)


def clear_items(conn: Connection) -> None:
    """Forget every derived item (before deriving them all again)."""
    conn.execute(extracted_items.delete())


def stored_items(conn: Connection) -> list[ExtractedItem]:
    """Return every stored item, oldest first (undated last), in the order they were found."""
    query = sa.select(extracted_items).order_by(extracted_items.c.date.is_(None), extracted_items.c.date, extracted_items.c.id)
    return [ExtractedItem(row.kind, row.text, tuple(json.loads(row.owners_json)), _utc_aware(row.date),
                          row.source_kind, row.source_id, row.line, row.rule, row.due, row.context_line,
                          row.ordinal)
            for row in conn.execute(_visible_message_ids(query, extracted_items.c.source_id))
            if not _in_hidden_series(row.source_kind, row.source_id)]


def _in_hidden_series(source_kind: str, source_id: str) -> bool:
    """Tell whether an item or link comes from a meeting of a hidden series."""
    return source_kind == "meeting" and source_id.split("/", 1)[0] in hidden()[1]


def add_item_mark(conn: Connection, mark: ItemMark) -> None:
    """Record a person's mark on an action item."""
    owners = None if mark.owners is None else json.dumps(mark.owners, ensure_ascii=False)
    conn.execute(item_marks.insert().values(item_id=mark.item_id, status=mark.status, owners_json=owners, by=mark.by,
                                            note=mark.note, created=_utc_naive(mark.created)))


def stored_item_marks(conn: Connection) -> list[ItemMark]:
    """Return every mark put on action items, oldest first."""
    query = sa.select(item_marks).order_by(item_marks.c.created, item_marks.c.id)
    return [ItemMark(row.item_id, row.status, None if row.owners_json is None else tuple(json.loads(row.owners_json)),
                     row.by, row.note, _utc_aware(row.created) or datetime.now(timezone.utc))
            for row in conn.execute(query)]


def thread_bodies(conn: Connection, thread_ids: Sequence[str]
                  ) -> Iterator[tuple[str, datetime | None, str, list[str]]]:
    """Yield (Message-ID, date, body, recipient and sender addresses) of the messages in these threads."""
    query = sa.select(messages.c.message_id, messages.c.date, messages.c.body, messages.c.from_email,
                      messages.c.to_json, messages.c.cc_json).where(messages.c.message_id.in_(_thread_members(thread_ids)))
    for message_id, date, body, sender, to_json, cc_json in conn.execute(query):
        addresses = [sender] + [a.email for a in _addresses(to_json) + _addresses(cc_json)]
        yield message_id, _utc_aware(date), body, addresses


def replace_links(conn: Connection, *, thread_ids: Sequence[str] = (), meeting_sources: Sequence[str] = (),
                  found: Sequence[FoundLink] = ()) -> None:
    """Forget the links of these threads' messages and these meetings, then store found."""
    _forget_derived(conn, links, thread_ids, meeting_sources)
    rows = [_link_row(link) for link in found]
    if rows:
        conn.execute(links.insert(), rows)


def _link_row(link: FoundLink) -> dict[str, Any]:
    """Return the row that stores a found link."""
    return {"source_kind": link.source_kind, "source_id": link.source_id, "line": link.line, "key": link.key,
            "kind": link.kind, "url": link.url, "anchor": link.anchor, "date": _utc_naive(link.date),
            "snippet": link.snippet}


def clear_links(conn: Connection) -> None:
    """Forget every derived link (before deriving them all again)."""
    conn.execute(links.delete())


def add_link_aliases(conn: Connection, aliases: dict[str, str]) -> None:
    """Record that each alias key names the same thing as its key."""
    if aliases:
        conn.execute(_insert_ignoring_conflicts(conn, link_aliases), [{"alias": a, "key": k} for a, k in aliases.items()])


def same_keys(conn: Connection, keys: Iterable[str]) -> set[str]:
    """Return keys with every alias of them and every key they are aliases of."""
    wanted = set(keys)
    query = sa.select(link_aliases.c.alias, link_aliases.c.key).where(
        sa.or_(link_aliases.c.alias.in_(list(wanted)), link_aliases.c.key.in_(list(wanted))))
    for alias, key in conn.execute(query):
        wanted |= {alias, key}
    return wanted


def _found_links(conn: Connection, query: Any) -> list[FoundLink]:
    """Run a query of link rows, oldest first."""
    query = query.order_by(links.c.date.is_(None), links.c.date, links.c.source_id, links.c.line)
    return [FoundLink(row.source_kind, row.source_id, row.line, row.key, row.kind, row.url, row.anchor,
                      _utc_aware(row.date), row.snippet)
            for row in conn.execute(_visible_message_ids(query, links.c.source_id))
            if not _in_hidden_series(row.source_kind, row.source_id)]


def links_from(conn: Connection, source_kind: str, source_ids: Sequence[str]) -> list[FoundLink]:
    """Return the references these messages or meetings make."""
    found: list[FoundLink] = []
    for chunk in _chunks(list(source_ids), 500):
        found += _found_links(conn, sa.select(links).where(links.c.source_kind == source_kind,
                                                           links.c.source_id.in_(chunk)))
    return found


def links_with_prefix(conn: Connection, prefix: str) -> list[FoundLink]:
    """Return every reference to a key that starts with prefix ("change-id:")."""
    return _found_links(conn, sa.select(links).where(links.c.key.startswith(prefix, autoescape=True)))


def links_to(conn: Connection, keys: Iterable[str]) -> list[FoundLink]:
    """Return every reference made to any of these keys, oldest first."""
    return _found_links(conn, sa.select(links).where(links.c.key.in_(sorted(set(keys)))))


def link_keys(conn: Connection, source_kind: str, source_ids: Sequence[str]) -> dict[str, list[str]]:
    """Return the keys each of these messages or meetings references (for the search index)."""
    found: dict[str, list[str]] = {}
    for chunk in _chunks(sorted(set(source_ids)), 500):
        query = sa.select(links.c.source_id, links.c.key).where(links.c.source_kind == source_kind,
                                                               links.c.source_id.in_(chunk))
        for source_id, key in conn.execute(query):
            found.setdefault(source_id, []).append(key)
    return found


def existing_message_ids(conn: Connection, message_ids: Iterable[str]) -> set[str]:
    """Return which of these Message-IDs the archive holds."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(message_ids)), 500):
        query = sa.select(messages.c.message_id).where(messages.c.message_id.in_(chunk))
        found |= set(conn.execute(_visible_messages(query)).scalars())
    return found


def messages_at_pages(conn: Connection, pages: dict[str, str]) -> dict[str, str]:
    """Return, for each key, the message imported from the page whose URL ends as given (first found)."""
    found: dict[str, str] = {}
    for key, ending in pages.items():
        query = sa.select(messages.c.message_id).where(messages.c.source_url.endswith(ending, autoescape=True)).limit(1)
        if (message_id := conn.execute(query).scalar()) is not None:
            found[key] = message_id
    return found


def meeting_sources_of(conn: Connection, meeting_ids: Iterable[str]) -> dict[str, str]:
    """Return "SERIES/MEETING" for each of these meeting ids the archive holds."""
    wanted = sorted(set(meeting_ids))
    query = sa.select(meetings.c.meeting_id, meetings.c.series).where(meetings.c.meeting_id.in_(wanted))
    return {meeting_id: f"{series}/{meeting_id}" for meeting_id, series in conn.execute(_visible_series(query))}


def source_titles(conn: Connection, message_ids: Iterable[str], meeting_ids: Iterable[str]) -> dict[str, str]:
    """Return the subject of each message and the title of each meeting ("SERIES/MEETING"), by id."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(set(message_ids)), 500):
        query = sa.select(messages.c.message_id, messages.c.subject).where(messages.c.message_id.in_(chunk))
        found.update({message_id: subject for message_id, subject in conn.execute(query)})
    wanted = {source.split("/", 1)[-1]: source for source in meeting_ids}
    for chunk in _chunks(sorted(wanted), 500):
        query = sa.select(meetings.c.meeting_id, meetings.c.title).where(meetings.c.meeting_id.in_(chunk))
        found.update({wanted[meeting_id]: title or meeting_id for meeting_id, title in conn.execute(query)})
    return found


def thread_message_ids(conn: Connection, thread_id: str) -> list[str]:
    """Return the Message-IDs of a thread's messages (not its ghosts), in display order."""
    query = sa.select(thread_nodes.c.message_id).where(thread_nodes.c.thread_id == thread_id,
                                                       thread_nodes.c.ghost.is_(False)).order_by(thread_nodes.c.position)
    return list(conn.execute(query).scalars())


def add_user(conn: Connection, name: str, password_hash: str, role: str, scopes: Sequence[tuple[str, str]]) -> None:
    """Create a user with their scopes (("series", NAME) they chair, ("list", NAME) they may read)."""
    conn.execute(users.insert().values(name=name, password_hash=password_hash, role=role,
                                       created=_utc_naive(datetime.now(timezone.utc))))
    if scopes:
        conn.execute(user_scopes.insert(), [{"name": name, "kind": kind, "value": value} for kind, value in scopes])


def set_password_hash(conn: Connection, name: str, password_hash: str) -> bool:
    """Replace a user's password hash; return whether the user exists."""
    return bool(conn.execute(users.update().where(users.c.name == name).values(password_hash=password_hash)).rowcount)


def user_row(conn: Connection, name: str) -> tuple[str, str, tuple[tuple[str, str], ...]] | None:
    """Return (password hash, role, scopes) of a user, or None."""
    row = conn.execute(sa.select(users.c.password_hash, users.c.role).where(users.c.name == name)).first()
    if row is None:
        return None
    scopes = conn.execute(sa.select(user_scopes.c.kind, user_scopes.c.value).where(user_scopes.c.name == name).order_by(
        user_scopes.c.kind, user_scopes.c.value)).all()
    return row[0], row[1], tuple((kind, value) for kind, value in scopes)


def user_names(conn: Connection) -> list[tuple[str, str]]:
    """Return (name, role) of every user, by name."""
    return [(name, role) for name, role in conn.execute(sa.select(users.c.name, users.c.role).order_by(users.c.name))]


def add_audit(conn: Connection, who: str, action: str, target: str, detail: str = "") -> None:
    """Record one change a person made."""
    conn.execute(audit_log.insert().values(created=_utc_naive(datetime.now(timezone.utc)), who=who, action=action,
                                           target=target, detail=detail))


def audit_entries(conn: Connection, limit: int = 500) -> list[tuple[datetime | None, str, str, str, str]]:
    """Return the newest audit entries: (when, who, action, target, detail)."""
    query = sa.select(audit_log.c.created, audit_log.c.who, audit_log.c.action, audit_log.c.target,
                      audit_log.c.detail).order_by(audit_log.c.id.desc()).limit(limit)
    return [(_utc_aware(when), who, action, target, detail) for when, who, action, target, detail in conn.execute(query)]


def remove_message(conn: Connection, message_id: str, *, mode: str, note: str, by: str) -> tuple[list[str], list[str]]:
    """Remove every stored message with this Message-ID; return (content hashes, thread ids) it was in.

    Its raw bytes are deleted, or kept apart (never served) when mode is "hide".
    """
    rows = conn.execute(sa.select(messages.c.id, messages.c.content_hash).where(messages.c.message_id == message_id)).all()
    raw = conn.execute(sa.select(message_raw.c.raw).where(message_raw.c.message_pk.in_([pk for pk, _ in rows]))).scalar()
    thread_ids = list(conn.execute(sa.select(thread_nodes.c.thread_id).where(thread_nodes.c.message_id == message_id)).scalars())
    for pk, _digest in rows:
        _forget_message(conn, pk, message_id)
    _forget_derived(conn, extracted_items, thread_ids, ())
    conn.execute(_insert_ignoring_conflicts(conn, removed_messages), [{
        "message_id": message_id, "mode": mode, "note": note, "by": by,
        "created": _utc_naive(datetime.now(timezone.utc)), "raw": raw if mode == "hide" else None}])
    return [digest for _pk, digest in rows], thread_ids


def removal_of(conn: Connection, message_id: str) -> tuple[str, datetime | None] | None:
    """Return (note, when) if an admin removed this message, else None."""
    row = conn.execute(sa.select(removed_messages.c.note, removed_messages.c.created).where(
        removed_messages.c.message_id == message_id)).first()
    return (row[0], _utc_aware(row[1])) if row else None


def rethread(conn: Connection, thread_ids: Sequence[str]) -> None:
    """Mark the messages of these threads for threading again (after one of them was removed)."""
    members = sa.select(messages.c.id).where(messages.c.message_id.in_(_thread_members(thread_ids)))
    conn.execute(_insert_ignoring_conflicts(conn, pending_threading).from_select(["message_pk"], members))


def add_meeting_version(conn: Connection, meeting_id: str, log: str, by: str) -> None:
    """Keep a meeting's log as it was before a person edited or unpublished it."""
    conn.execute(meeting_versions.insert().values(meeting_id=meeting_id, saved=_utc_naive(datetime.now(timezone.utc)),
                                                  by=by, log=log))


def meeting_edits(conn: Connection, meeting_id: str) -> list[tuple[datetime | None, str]]:
    """Return (when, by) of every edit of a meeting, oldest first."""
    query = sa.select(meeting_versions.c.saved, meeting_versions.c.by).where(
        meeting_versions.c.meeting_id == meeting_id).order_by(meeting_versions.c.id)
    return [(_utc_aware(saved), by) for saved, by in conn.execute(query)]


def delete_meeting(conn: Connection, meeting_id: str) -> None:
    """Delete a meeting and who took part in it."""
    conn.execute(meeting_people.delete().where(meeting_people.c.meeting_id == meeting_id))
    conn.execute(meetings.delete().where(meetings.c.meeting_id == meeting_id))


REDACTED = "[redacted]"


def redact_message(conn: Connection, message_id: str, text: str) -> list[str]:
    """Replace text in every stored copy of a message's body and drop its original bytes; return its threads.

    The bytes go because they may hold the text in any encoding (quoted-printable, base64).
    """
    rows = conn.execute(sa.select(messages.c.id, messages.c.body).where(messages.c.message_id == message_id)).all()
    for pk, body in rows:
        conn.execute(messages.update().where(messages.c.id == pk).values(body=body.replace(text, REDACTED)))
        conn.execute(message_raw.delete().where(message_raw.c.message_pk == pk))
    if not rows:
        return []
    return list(conn.execute(sa.select(thread_nodes.c.thread_id).where(thread_nodes.c.message_id == message_id)).scalars())


def drop_empty_threads(conn: Connection, thread_ids: Sequence[str]) -> None:
    """Delete the threads none of whose messages is left (after removals), so their subjects go too."""
    for thread_id in thread_ids:
        members = sa.select(thread_nodes.c.message_id).where(thread_nodes.c.thread_id == thread_id)
        if conn.execute(sa.select(messages.c.id).where(messages.c.message_id.in_(members)).limit(1)).first() is None:
            for table in (thread_nodes, thread_lists):
                conn.execute(table.delete().where(table.c.thread_id == thread_id))
            conn.execute(threads.delete().where(threads.c.thread_id == thread_id))
