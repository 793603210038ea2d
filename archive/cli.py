"""The `minutebook` command: click through Flask's FlaskGroup; each command delegates."""

from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup
from tqdm import tqdm

from archive import accounts, browse, derive, indexing, items, linking, meetings, moderation, pipeline, searching, store
from archive.errors import MinutebookError
from archive.models import ExtractedItem, LinkView, Meeting
from archive.web import create_app
from archive.web.db import get_engine, get_index_dir
from ingest import sources
from search.results import SearchHit

FORMATS = ["auto", *sources.FORMATS]


def _create_app() -> Any:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def cli() -> None:
    """Minutebook: import, thread, search and serve a community's mail and meetings."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--list", "list_name", help="List name (default: from the folder or file name).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True)
@click.option("--workers", type=click.IntRange(0, 64), default=2, show_default=True,
              help="Parser and indexer processes (0 parses and indexes in this process).")
@click.option("--private", is_flag=True, help="Make the lists and meeting series imported private (from their first item).")
def ingest(paths: tuple[Path, ...], list_name: str | None, fmt: str, workers: int, private: bool) -> None:
    """Import mbox, Maildir, .eml, Pipermail and public-inbox archives."""
    with tqdm(unit=" msg", disable=not sys.stderr.isatty(), desc="importing") as bar:
        summary = pipeline.import_paths(
            get_engine(), list(paths), list_name=list_name, fmt=fmt, workers=workers, progress=bar.update,
            index_dir=get_index_dir(), index_procs=max(1, workers), private=private,
        )
    for error in summary.errors:
        click.echo(f"warning: {error}", err=True)
    click.echo(
        f"imported {summary.imported}, duplicates {summary.duplicates}, "
        f"quarantined {summary.quarantined}, threads touched {summary.threads_touched}, "
        f"indexed {summary.indexed}, meetings {summary.meetings}, action items {summary.actions}, "
        f"decisions {summary.decisions}, {summary.seconds:.1f} s, "
        f"{summary.rate:.0f} messages/s"
    )


@cli.command("lists")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per list.")
def lists_command(as_json: bool) -> None:
    """Show the lists with message and thread counts and first/last dates."""
    with get_engine().connect() as conn:
        summaries = store.list_summaries(conn)
    for s in summaries:
        first = s.first.isoformat() if s.first else None
        last = s.last.isoformat() if s.last else None
        if as_json:
            row = {"name": s.name, "messages": s.messages, "threads": s.threads, "first": first, "last": last}
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{s.name}\t{s.messages} messages\t{s.threads} threads\t{first or '-'}\t{last or '-'}")


@cli.command()
def rebuild() -> None:
    """Re-derive threads, meetings and the search index from the stored raw messages and logs."""
    count = derive.rebuild(get_engine())
    click.echo(f"rebuilt {count} threads")
    click.echo(f"replayed {meetings.rebuild(get_engine())} meetings")
    found = items.rederive_all(get_engine())
    click.echo(f"found {found['action']} action items and {found['decision']} decisions")
    click.echo(f"found {linking.rederive_all(get_engine())} references")
    click.echo(f"indexed {indexing.rebuild_index(get_engine(), get_index_dir())} messages")


@cli.command()
def reindex() -> None:
    """Build the search index afresh from the store (searches use the old one until it is done)."""
    click.echo(f"indexed {indexing.rebuild_index(get_engine(), get_index_dir())} messages")


@cli.command()
def check() -> None:
    """Compare the search index with the store and say what differs (exit status 1 if anything)."""
    comparison = indexing.check_index(get_engine(), get_index_dir())
    click.echo(f"index holds {comparison.indexed} documents; {len(comparison.missing)} missing, "
               f"{len(comparison.extra)} not in the store (at most 100 of each are listed)")
    for key in comparison.missing:
        click.echo(f"missing\t{key}")
    for key in comparison.extra:
        click.echo(f"extra\t{key}")
    if not comparison.ok:
        click.echo("run `minutebook reindex` to rebuild the index", err=True)
        sys.exit(1)


@cli.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True, help="Results (threads) to print.")
@click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per result.")
def search_command(query: tuple[str, ...], limit: int, sort: str, as_json: bool) -> None:
    """Search the archive with the web search's query language."""
    results = searching.search_archive(get_engine(), get_index_dir(), " ".join(query), sort=sort, page_size=limit)
    for warning in results.warnings:
        click.echo(f"note: {warning}", err=True)
    for hit in results.hits:
        row = _hit_row(hit)
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{(row['date'] or '-')[:10]:10}  {row['list'] or '-':16}  {hit.title}  <{hit.id}>")
    click.echo(f"{results.threads} result(s), {results.matches} item(s) match", err=True)


@cli.command("quarantine")
def quarantine_command() -> None:
    """List what could not be imported, with the reason, source file and offset."""
    with get_engine().connect() as conn:
        entries = store.list_quarantine(conn)
    for entry in entries:
        click.echo(f"#{entry.id}\t{entry.source}@{entry.offset}\t{entry.size} bytes\t{entry.reason}")
    click.echo(f"{len(entries)} quarantined", err=True)


@cli.command("threads")
@click.option("--list", "list_name", help="Only threads with messages in this list.")
@click.option("--json", "as_json", is_flag=True, required=True, help="One JSON object per thread.")
def threads_command(list_name: str | None, as_json: bool) -> None:
    """Print every thread with its messages in thread order, as JSON lines."""
    with get_engine().connect() as conn:
        for row in store.thread_json_rows(conn, list_name):
            click.echo(json.dumps(row, ensure_ascii=False))


@cli.command("meetings")
@click.option("--series", help="Only the meetings of this series (team).")
@click.option("--json", "as_json", is_flag=True, required=True, help="One JSON object per meeting.")
def meetings_command(series: str | None, as_json: bool) -> None:
    """Print every meeting's minutes as JSON lines, oldest first."""
    with get_engine().connect() as conn:
        for meeting in meetings.all_meetings(conn, series):
            click.echo(json.dumps(_meeting_row(meeting), ensure_ascii=False))


@cli.command("actions")
@click.option("--owner", help="Only the items this name or nick owns.")
@click.option("--status", type=click.Choice(["open", "done", "dropped"]), help="Only items with this status.")
@click.option("--json", "as_json", is_flag=True, required=True, help="One JSON object per action item.")
def actions_command(owner: str | None, status: str | None, as_json: bool) -> None:
    """Print the action items of meetings and messages, followed to done, dropped or still open, oldest first.

    --owner is a person's key (as in /people/KEY/) or a name or nick as the items write it.
    """
    with get_engine().connect() as conn:
        found = browse.items_page(conn, "action", owner=owner or "", status=status or "").actions
    for tracked in found:
        row = {**_item_row(tracked.item), "owners": list(tracked.item.owners), "status": tracked.status,
               "due": tracked.due.isoformat() if tracked.due else None,
               "repeated": [_item_row(repeat)["source"] for repeat in tracked.repeats],
               "closed_by": _item_row(tracked.closed_by)["source"] if tracked.closed_by else None,
               "marked": None if tracked.marked is None else {
                   "status": tracked.marked.status, "by": tracked.marked.by, "note": tracked.marked.note,
                   "date": tracked.marked.created.isoformat()}}
        click.echo(json.dumps(row, ensure_ascii=False))


@cli.command("mark")
@click.argument("item_id")
@click.argument("status", type=click.Choice(items.MARK_STATUSES))
@click.option("--by", required=True, help="Who marks it (recorded with the mark).")
@click.option("--owner", "owners", multiple=True, help="Reassign it to these owners (repeat for several).")
@click.option("--note", default="", help="Why, in a few words.")
def mark_command(item_id: str, status: str, by: str, owners: tuple[str, ...], note: str) -> None:
    """Mark an action item (its id as `actions --json` prints it) done, dropped or open, or reassign it."""
    tracked = items.mark_action(get_engine(), item_id, status, by=by, owners=owners or None, note=note)
    indexing.update_item_documents(get_engine(), get_index_dir())
    click.echo(f"{tracked.status}: {tracked.item.text} (owners: {', '.join(tracked.item.owners) or 'nobody named'})")


@cli.command("links")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, required=True, help="One JSON object.")
def links_command(ref: str, as_json: bool) -> None:
    """Print what REF (a Message-ID, meeting id, review key or URL) links to and what links to it."""
    with get_engine().connect() as conn:
        page = linking.reference_page(conn, linking.key_of(conn, ref))
    key, target, panel = page.key, page.target, page.links
    row = {"key": key, "resolved": _target_row(target), "outgoing": [_link_row(view) for view in panel.outgoing],
           "incoming": [_link_row(view) for view in panel.incoming]}
    click.echo(json.dumps(row, ensure_ascii=False))


def _target_row(target: tuple[str, str] | None) -> dict[str, str] | None:
    """Return where a key resolves to, as the links command prints it."""
    return None if target is None else {"kind": target[0], "id": target[1]}


def _link_row(view: LinkView) -> dict[str, Any]:
    """Return one link as the links command prints it."""
    link = view.link
    return {"key": link.key, "kind": link.kind, "resolved": _target_row(view.target), "url": link.url or None,
            "source": {"kind": link.source_kind, "id": link.source_id, "line": link.line},
            "date": link.date.isoformat() if link.date else None, "snippet": link.snippet}


@cli.group("user")
def user_group() -> None:
    """Add users, change their passwords, list them."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@click.option("--series", multiple=True, help="A meeting series a chair chairs (repeat for several).")
@click.option("--list", "lists", multiple=True, help="A private list a member may read (repeat for several).")
@click.password_option(help="The password (asked for, twice, when not given).")
def user_add(name: str, role: str, series: tuple[str, ...], lists: tuple[str, ...], password: str) -> None:
    """Create a user with a role: admin, chair or member."""
    accounts.add_user(get_engine(), name, password, role, series=series, lists=lists)
    click.echo(f"added {name} ({role})")


@user_group.command("passwd")
@click.argument("name")
@click.password_option(help="The new password (asked for, twice, when not given).")
def user_passwd(name: str, password: str) -> None:
    """Give a user a new password."""
    accounts.set_password(get_engine(), name, password)
    click.echo(f"changed the password of {name}")


@user_group.command("list")
def user_list() -> None:
    """List the users and their roles."""
    with get_engine().connect() as conn:
        for name, role in store.user_names(conn):
            click.echo(f"{name}\t{role}")


@cli.group("private")
def private_group() -> None:
    """Make lists and meeting series private, and list what is private."""


@private_group.command("add")
@click.argument("name")
@click.option("--series", "is_series", is_flag=True, help="NAME is a meeting series, not a list.")
def private_add(name: str, is_series: bool) -> None:
    """Make a list (or a series) private: only admins, its members and its chairs see it."""
    with get_engine().begin() as conn:
        store.make_private(conn, "series" if is_series else "list", name)
        store.add_audit(conn, "command line", "make private", f"{'series' if is_series else 'list'} {name}")
    click.echo(f"{'series' if is_series else 'list'} {name} is private")


@private_group.command("list")
def private_list() -> None:
    """List the private lists and series."""
    with get_engine().connect() as conn:
        for kind, name in sorted(store.private_names(conn)):
            click.echo(f"{kind}\t{name}")


@cli.command("remove")
@click.argument("message_id")
@click.option("--thread", "is_thread", is_flag=True, help="MESSAGE_ID is a thread id: remove all its messages.")
@click.option("--hide", is_flag=True, help="Keep the original bytes apart (never served) instead of deleting them.")
@click.option("--by", required=True, help="Who removes it (recorded in the audit log).")
@click.option("--note", required=True, help="Why, shown on its permalink (which answers 410 Gone).")
def remove_command(message_id: str, is_thread: bool, hide: bool, by: str, note: str) -> None:
    """Remove a message (or a whole thread) from every page, feed, export and the search index."""
    mode, target = "hide" if hide else "delete", message_id.strip("<>")
    if is_thread:
        count = moderation.remove_thread(get_engine(), get_index_dir(), target, mode=mode, note=note, by=by)
        click.echo(f"removed the {count} messages of thread {target}")
        return
    count = moderation.remove_message(get_engine(), get_index_dir(), target, mode=mode, note=note, by=by)
    click.echo(f"removed {count} stored cop{'y' if count == 1 else 'ies'} of <{target}>")


@cli.command("redact")
@click.argument("message_id")
@click.option("--text", required=True, help="The passage to replace with [redacted], as the message shows it.")
@click.option("--by", required=True, help="Who redacts it (recorded in the audit log).")
def redact_command(message_id: str, text: str, by: str) -> None:
    """Replace a passage of a message everywhere; its original bytes are dropped."""
    moderation.redact_message(get_engine(), get_index_dir(), message_id.strip("<>"), text=text, by=by)
    click.echo(f"redacted <{message_id.strip('<>')}>")


@cli.command("decisions")
@click.option("--json", "as_json", is_flag=True, required=True, help="One JSON object per decision.")
def decisions_command(as_json: bool) -> None:
    """Print the decisions recorded in meetings and marked in messages, oldest first."""
    with get_engine().connect() as conn:
        for item in browse.extracted_items(conn, "decision"):
            click.echo(json.dumps(_item_row(item), ensure_ascii=False))


def _item_row(item: ExtractedItem) -> dict[str, Any]:
    """Return what action items and decisions print alike."""
    return {"id": item.item_id, "text": item.text,
            "date": item.date.isoformat() if item.date else None,
            "source": {"kind": item.source_kind, "id": item.source_id, "line": item.line}, "rule": item.rule}


def _meeting_row(meeting: Meeting) -> dict[str, Any]:
    """Return a meeting as the JSON object `minutebook meetings --json` prints."""
    return {
        "id": meeting.meeting_id, "series": meeting.series, "title": meeting.title,
        "start": meeting.start.isoformat() if meeting.start else None,
        "end": meeting.end.isoformat() if meeting.end else None,
        "chairs": list(meeting.chairs), "people": dict(meeting.people),
        "items": [{"type": i.type, "text": i.text, "nick": i.nick, "time": i.time, "topic": i.topic, "line": i.line}
                  for i in meeting.items],
        "actions_by_person": {nick: list(texts) for nick, texts in meeting.actions_by_person},
        "unassigned": list(meeting.unassigned),
    }


def _hit_row(hit: SearchHit) -> dict[str, Any]:
    """Return a search hit as the JSON object `minutebook search --json` prints (snippet as plain text)."""
    return {
        "kind": hit.kind, "id": hit.id, "thread_id": hit.thread_id, "list": hit.lists[0] if hit.lists else None,
        "title": hit.title, "date": hit.date.isoformat() if hit.date else None, "score": hit.score,
        "snippet": html.unescape(re.sub(r"</?mark>", "", hit.snippet)),
    }


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the archive with the waitress WSGI server."""
    import waitress

    click.echo(f"Serving {current_app.config['DATA_DIR']} on http://{host}:{port}/")
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app behind the proxy
    waitress.serve(app, host=host, port=port, threads=int(os.environ.get("MINUTEBOOK_THREADS", "8")))


def main() -> None:
    """Run the command line, turning Minutebook's own errors into a clean message."""
    try:
        cli.main(standalone_mode=True)
    except MinutebookError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
