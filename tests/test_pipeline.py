"""Importing real and hand-made archives end to end into a fresh store."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from archive import pipeline, settings, store
from archive.models import RawItem
from ingest.mbox import iter_mbox
from tests.conftest import DATA

FIXTURES = DATA / "pipeline"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return settings.engine_for(settings.data_dir(tmp_path / "data"))


def threads_of(engine: Engine, list_name: str | None = None) -> list[dict]:
    with engine.connect() as conn:
        return list(store.thread_json_rows(conn, list_name))


def test_import_threads_and_counts(engine: Engine) -> None:
    summary = pipeline.import_paths(engine, [FIXTURES / "two-threads.mbox"], workers=0)
    assert (summary.imported, summary.duplicates, summary.quarantined) == (4, 0, 0)
    rows = threads_of(engine)
    assert [r["subject"] for r in rows] == ["Release plan for 2.0", "Re: Old CI question"]
    plan = rows[0]["messages"]
    assert [(m["message_id"], m["parent_id"]) for m in plan] == [
        ("plan-1@example.org", None),
        ("plan-2@example.org", "plan-1@example.org"),
        ("plan-3@example.org", "plan-2@example.org"),
    ]
    assert plan[0]["from"] == "Alice Example <alice@example.org>"
    assert plan[0]["date"] == "2024-03-04T08:00:00+00:00"
    # The reply whose parent was never seen hangs under a ghost.
    assert rows[1]["messages"][0]["parent_id"] == "ci-1@example.org"
    assert {r["list"] for r in rows} == {"two-threads"}


def test_body_line_starting_from_is_not_a_separator(engine: Engine) -> None:
    pipeline.import_paths(engine, [FIXTURES / "two-threads.mbox"], workers=0)
    with engine.connect() as conn:
        assert store.message_count(conn) == 4


def test_same_file_twice_adds_nothing(engine: Engine) -> None:
    pipeline.import_paths(engine, [FIXTURES / "two-threads.mbox"], workers=0)
    before = threads_of(engine)
    again = pipeline.import_paths(engine, [FIXTURES / "two-threads.mbox"], workers=0)
    assert (again.imported, again.duplicates) == (0, 4)
    assert threads_of(engine) == before


def test_late_parent_keeps_the_thread_id(engine: Engine) -> None:
    pipeline.import_paths(engine, [FIXTURES / "two-threads.mbox"], workers=0)
    ghost_thread = threads_of(engine)[1]["thread_id"]
    pipeline.import_paths(engine, [FIXTURES / "late-parent.mbox"], list_name="two-threads", workers=0)
    ci = [r for r in threads_of(engine) if r["thread_id"] == ghost_thread][0]
    assert [(m["message_id"], m["parent_id"]) for m in ci["messages"]] == [
        ("ci-1@example.org", None),
        ("ci-2@example.org", "ci-1@example.org"),
    ]
    assert ci["subject"] == "Old CI question"


def test_late_message_merges_two_threads_and_old_id_redirects(engine: Engine, tmp_path: Path) -> None:
    pipeline.import_paths(engine, [FIXTURES / "two-threads.mbox", FIXTURES / "late-parent.mbox"], workers=0)
    plan_id, ci_id = (r["thread_id"] for r in threads_of(engine))
    joiner = tmp_path / "joiner.mbox"
    joiner.write_text(
        "From x@example.org Thu Mar  7 10:00:00 2024\n"
        "From: X <x@example.org>\nSubject: Re: both\nDate: Thu, 07 Mar 2024 10:00:00 +0000\n"
        "Message-ID: <join@example.org>\nReferences: <plan-3@example.org> <ci-1@example.org>\n\nJoined.\n"
    )
    summary = pipeline.import_paths(engine, [joiner], list_name="two-threads", workers=0)
    assert summary.threads_touched == 1
    rows = threads_of(engine)
    assert [r["thread_id"] for r in rows] == [plan_id]
    assert len(rows[0]["messages"]) == 6
    with engine.connect() as conn:
        assert store.resolve_thread_id(conn, ci_id) == plan_id
        assert store.resolve_thread_id(conn, plan_id) == plan_id
        assert store.resolve_thread_id(conn, "000000000000") is None


def test_bad_message_is_quarantined_and_neighbours_import(engine: Engine, tmp_path: Path) -> None:
    deep = "Content-Type: multipart/mixed; boundary=b0\n\n" + "".join(
        f"--b{i}\nContent-Type: multipart/mixed; boundary=b{i + 1}\n\n" for i in range(40)
    )
    text = (FIXTURES / "two-threads.mbox").read_text()
    first, rest = text.split("\nFrom bob@", 1)
    bad = "From evil@example.org Mon Mar  4 10:00:00 2024\nFrom: Evil <evil@example.org>\nSubject: deep\n"
    bad += "Message-ID: <deep@example.org>\nMIME-Version: 1.0\n" + deep + "\n"
    mixed = tmp_path / "mixed.mbox"
    mixed.write_text(first + "\n" + bad + "\nFrom bob@" + rest)
    summary = pipeline.import_paths(engine, [mixed], workers=0)
    assert (summary.imported, summary.quarantined) == (4, 1)
    with engine.connect() as conn:
        entries = store.list_quarantine(conn)
    assert len(entries) == 1 and "rejected" in entries[0].reason
    assert entries[0].source == str(mixed) and entries[0].offset > 0


def test_interrupted_import_is_completed_by_a_rerun(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 2)
    calls = {"n": 0}
    real = store.add_messages

    def crash_on_second_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "add_messages", crash_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        pipeline.import_paths(engine, [FIXTURES / "two-threads.mbox"], workers=0)
    monkeypatch.setattr(store, "add_messages", real)
    summary = pipeline.import_paths(engine, [FIXTURES / "two-threads.mbox"], workers=0)
    assert (summary.imported, summary.duplicates) == (2, 2)
    assert sum(len(r["messages"]) for r in threads_of(engine)) == 4


def test_worker_processes_give_the_same_result(engine: Engine, tmp_path: Path) -> None:
    other = settings.engine_for(settings.data_dir(tmp_path / "other"))
    pipeline.import_paths(engine, [FIXTURES / "two-threads.mbox"], workers=0)
    pipeline.import_paths(other, [FIXTURES / "two-threads.mbox"], workers=2)
    assert threads_of(engine) == threads_of(other)


def test_fedora_threads_do_not_depend_on_order_or_split(corpora: Path, tmp_path: Path) -> None:
    source = corpora / "fedora-devel-2010-01" / "2010-January.txt.gz"
    whole = settings.engine_for(settings.data_dir(tmp_path / "whole"))
    pipeline.import_paths(whole, [source], list_name="fedora-devel", workers=0)
    parts = [
        item.envelope.encode("latin-1") + b"\n" + re.sub(rb"(?m)^(>*From )", rb">\1", item.raw)
        for item in iter_mbox(source)
        if isinstance(item, RawItem) and item.envelope
    ]
    assert len(parts) == 292
    random.Random(7).shuffle(parts)
    split = settings.engine_for(settings.data_dir(tmp_path / "split"))
    for number, start in enumerate(range(0, len(parts), 100)):
        piece = tmp_path / f"piece-{number}.mbox"
        piece.write_bytes(b"\n\n".join(parts[start : start + 100]) + b"\n")
        pipeline.import_paths(split, [piece], list_name="fedora-devel", workers=0)
    assert threads_of(whole) == threads_of(split)
    with whole.connect() as conn:
        assert store.message_count(conn) == 292


def test_folder_mixing_message_files_and_monthly_archives(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "dev"
    folder.mkdir()
    shutil.copy(FIXTURES / "two-threads.mbox", folder / "all.mbox")
    (folder / "one.eml").write_bytes((FIXTURES / "late-parent.mbox").read_bytes().split(b"\n", 1)[1])
    summary = pipeline.import_paths(engine, [folder], workers=0)
    assert summary.imported == 5
    with engine.connect() as conn:
        names = {s.name: s.messages for s in store.list_summaries(conn)}
    assert names == {"all": 4, "dev": 1}


def partition(rows: list[dict]) -> set[frozenset[str]]:
    """Return the threads as sets of Message-IDs."""
    return {frozenset(m["message_id"] for m in row["messages"]) for row in rows}


@pytest.mark.parametrize("corpus", ["default", "lkml"])
def test_notmuch_corpora_thread_like_notmuch(corpora: Path, engine: Engine, corpus: str) -> None:
    summary = pipeline.import_paths(engine, [corpora / "notmuch" / corpus], workers=0)
    assert summary.quarantined == 0
    expected = json.loads((corpora / "notmuch" / f"expected-threads-{corpus}.notmuch-0.37.json").read_text())
    want = {frozenset(m["message_id"] for m in t["messages"]) for t in expected["threads"]}
    rows = threads_of(engine)
    assert partition(rows) == want
    parents = {m["message_id"]: m["parent_id"] for row in rows for m in row["messages"]}
    expected_parents = {m["message_id"]: m["parent_id"] for t in expected["threads"] for m in t["messages"]}
    # Where the parent was never seen we name the ghost; notmuch names the nearest real ancestor.
    real_parents = {mid: p for mid, p in parents.items() if p is None or p in parents}
    assert {mid: expected_parents[mid] for mid in real_parents} == real_parents


def test_pipermail_months_import_with_expected_counts(corpora: Path, engine: Engine) -> None:
    folder = corpora / "r-devel-pipermail"
    expected = {
        line.split("\t")[0]: int(line.split("\t")[1])
        for line in (folder / "expected-message-counts.tsv").read_text().splitlines()
        if not line.startswith("#")
    }
    files = [folder / name for name in sorted(expected) if name.startswith("2019")]
    summary = pipeline.import_paths(engine, files, list_name="r-devel", workers=2)
    assert summary.quarantined == 0
    assert summary.imported + summary.duplicates == sum(expected[f.name] for f in files)
    with engine.connect() as conn:
        [r_devel] = store.list_summaries(conn)
    assert r_devel.first is not None and r_devel.first.year == 2019
    assert r_devel.last is not None and r_devel.last.year in (2019, 2020)


def test_public_inbox_bundle_matches_its_mbox_export(corpora: Path, tmp_path: Path) -> None:
    bundle = corpora / "ksummit" / "ksummit-discuss.lists.linuxfoundation.org.epoch0.bundle"
    mbox = corpora / "ksummit" / "ksummit-discuss.lists.linuxfoundation.org.mbox.gz"
    from_git = settings.engine_for(settings.data_dir(tmp_path / "git"))
    from_mbox = settings.engine_for(settings.data_dir(tmp_path / "mbox"))
    assert pipeline.import_paths(from_git, [bundle], workers=2).imported == 759
    assert pipeline.import_paths(from_mbox, [mbox], workers=2).imported == 759
    with from_git.connect() as conn:
        assert [s.name for s in store.list_summaries(conn)] == ["ksummit-discuss.lists.linuxfoundation.org"]
    assert threads_of(from_git) == threads_of(from_mbox)


def test_every_hyperkitty_sample_imports(corpora: Path, engine: Engine) -> None:
    summary = pipeline.import_paths(engine, [corpora / "hyperkitty-testdata"], workers=0)
    assert summary.quarantined == 0 and not summary.errors
    with engine.connect() as conn:
        # non-ascii-headers.txt holds six messages in mbox form; every other file holds one.
        assert store.message_count(conn) == 23 + 6 - summary.duplicates


def test_sample_archive_in_examples(engine: Engine) -> None:
    examples = Path(__file__).resolve().parents[1] / "examples" / "mail"
    summary = pipeline.import_paths(engine, sorted(examples.iterdir()), workers=0)
    assert (summary.imported, summary.quarantined) == (49, 0)
    with engine.connect() as conn:
        counts = {s.name: (s.messages, s.threads) for s in store.list_summaries(conn)}
    assert counts == {"lanternfish-announce": (4, 3), "lanternfish-dev": (34, 8), "lanternfish-users": (11, 4)}
