"""The `minutebook` command: click through Flask's FlaskGroup; each command delegates."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup
from tqdm import tqdm

from archive import derive, pipeline, store
from archive.errors import MinutebookError
from archive.web import create_app
from archive.web.db import get_engine
from ingest import sources

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
              help="Parser processes (0 parses in this process).")
def ingest(paths: tuple[Path, ...], list_name: str | None, fmt: str, workers: int) -> None:
    """Import mbox, Maildir, .eml, Pipermail and public-inbox archives."""
    with tqdm(unit=" msg", disable=not sys.stderr.isatty(), desc="importing") as bar:
        summary = pipeline.import_paths(
            get_engine(), list(paths), list_name=list_name, fmt=fmt, workers=workers, progress=bar.update
        )
    for error in summary.errors:
        click.echo(f"warning: {error}", err=True)
    click.echo(
        f"imported {summary.imported}, duplicates {summary.duplicates}, "
        f"quarantined {summary.quarantined}, threads touched {summary.threads_touched}, "
        f"{summary.seconds:.1f} s, {summary.rate:.0f} messages/s"
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
    """Re-derive threads from the stored raw messages."""
    count = derive.rebuild(get_engine())
    click.echo(f"rebuilt {count} threads")


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
