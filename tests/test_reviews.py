"""GitHub and Gerrit exports read as threads: who said what when, opening post first."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.message import parse_message
from ingest.reviews import is_review_export, iter_reviews, read_reviews, review_key_of, review_root_id
from ingest.sources import detect_format
from archive.models import RawItem, SourceError
from tests.conftest import DATA

GITHUB = DATA / "reviews" / "dask-governance-5.json"
GERRIT = DATA / "reviews" / "gerrit-lanternfish-4790.json"


def test_a_github_issue_is_a_thread_with_its_participants_dates_and_state() -> None:
    assert detect_format(GITHUB) == "review"
    messages = [parse_message(item.raw) for item in iter_reviews(GITHUB) if isinstance(item, RawItem)]
    root = messages[0]
    assert root.message_id == review_root_id("github:dask/governance#5")
    assert root.subject == "[dask/governance#5] Resolving technical conflicts?"
    assert root.body.startswith("https://github.com/dask/governance/issues/5 (closed)")
    assert [m.sender.name for m in messages] == ["mrocklin", "jcrist", "TomAugspurger", "mrocklin"]
    assert all(m.in_reply_to == root.message_id for m in messages[1:])
    assert [m.date.isoformat() for m in messages][:2] == ["2019-06-20T14:02:11+00:00", "2019-06-20T16:40:03+00:00"]  # type: ignore[union-attr]


def test_a_gerrit_change_keeps_its_change_id_and_messages() -> None:
    assert detect_format(GERRIT) == "review"
    (review,) = read_reviews(json.loads(GERRIT.read_text().removeprefix(")]}'")))
    assert (review.key, review.state, review.change_id) == (
        "gerrit:review.lanternfish.example/4790", "merged", "I5f3c2a1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a")
    assert [post.login for post in review.posts] == ["priya", "priya", "kenji", "priya", "kenji", "priya"]
    assert review.posts[2].date is not None and review.posts[2].date.isoformat() == "2024-03-22T09:30:12+00:00"


def test_review_keys_round_trip_through_message_ids() -> None:
    for key in ("github:dask/governance#5", "gerrit:review.opendev.org/812345"):
        assert review_key_of(review_root_id(key)) == key
    assert review_key_of("1." + review_root_id("github:a/b#1")) is None  # a reply
    assert review_key_of("abc@example.org") is None


def test_a_broken_export_is_reported_not_fatal(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"html_url": "https://github.com/a/b/issues/1", "number": ')
    assert is_review_export(bad.read_text())
    (error,) = list(iter_reviews(bad))
    assert isinstance(error, SourceError) and "not a readable GitHub or Gerrit export" in error.reason
