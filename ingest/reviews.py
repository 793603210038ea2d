"""Code-review discussions exported as JSON, read as threads of messages (pure but for reading the file).

- GitHub: an issue or pull request as the REST API gives it (`/repos/O/R/issues/N`), with its
  comments, either in one object `{"issue": {...}, "comments": [...], "review_comments": [...]}`
  or as a list whose first element is the issue and the rest its comments.
- Gerrit: the answer of `changes/?o=MESSAGES&o=DETAILED_ACCOUNTS` (a list of changes, or one
  change), with or without Gerrit's `)]}'` first line.

Each post becomes a message: the opening post under a Message-ID made from the review's key
(so links to the review resolve to it), every comment a reply to it, in date order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from archive.models import RawItem, SourceError
from ingest.web_pages import page_message

# The host of the Message-IDs given to reviews' posts.
REVIEW_HOST = "review.minutebook.invalid"
GERRIT_PREFIX = ")]}'"


@dataclass(frozen=True)
class ReviewPost:
    """One post of a review's discussion."""

    author: str  # display name
    login: str  # account name (GitHub login, Gerrit username or e-mail)
    date: datetime | None
    text: str


@dataclass(frozen=True)
class Review:
    """A code review or issue with its discussion."""

    key: str  # "github:owner/repo#N" or "gerrit:host/N"
    title: str
    url: str
    state: str
    posts: tuple[ReviewPost, ...]  # the opening post first
    change_id: str = ""  # Gerrit's Change-Id


def review_root_id(key: str) -> str:
    """Return the Message-ID a review's opening post is stored under."""
    return f"{quote(key, safe='')}@{REVIEW_HOST}"


def review_key_of(message_id: str) -> str | None:
    """Return the review key of a review's opening post, or None for other messages."""
    local, _, host = message_id.rpartition("@")
    return unquote(local) if host == REVIEW_HOST and not local[:1].isdigit() else None  # replies are "N.<root>"


def is_review_export(text: str) -> bool:
    """Tell whether a file's beginning is a GitHub or Gerrit review export."""
    head = text.lstrip().removeprefix(GERRIT_PREFIX).lstrip()[:4000]
    return head[:1] in "[{" and (('"html_url"' in head and "github.com" in head) or '"change_id"' in head)


def iter_reviews(path: Path) -> Iterator[RawItem | SourceError]:
    """Yield every post of the reviews in a JSON export as a message."""
    try:
        data = json.loads(path.read_text(encoding="utf-8").lstrip().removeprefix(GERRIT_PREFIX))
        reviews = read_reviews(data)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        yield SourceError(str(path), 0, f"not a readable GitHub or Gerrit export: {error}")
        return
    offset = 0
    for review in reviews:
        for raw in review_messages(review):
            yield RawItem(raw, str(path), offset, source_url=review.url)
            offset += 1


def read_reviews(data: Any) -> list[Review]:
    """Return the reviews of a parsed GitHub or Gerrit export."""
    if isinstance(data, dict) and "change_id" in data:
        return [_gerrit(data)]
    if isinstance(data, list) and data and isinstance(data[0], dict) and "change_id" in data[0]:
        return [_gerrit(change) for change in data]
    if isinstance(data, dict) and "issue" in data:
        comments = list(data.get("comments") or []) + list(data.get("review_comments") or [])
        return [_github(data["issue"], comments)]
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return [_github(data[0], data[1:])]
    if isinstance(data, dict) and "html_url" in data:
        return [_github(data, [])]
    raise ValueError("neither a GitHub issue or pull request nor Gerrit changes")


def _github(issue: dict[str, Any], comments: list[dict[str, Any]]) -> Review:
    """Return a GitHub issue or pull request with its comments, oldest first."""
    parts = urlsplit(issue["html_url"]).path.strip("/").split("/")  # owner, repo, issues|pull, N
    key = f"github:{parts[0].casefold()}/{parts[1].casefold()}#{issue['number']}"
    state = issue.get("state", "")
    if issue.get("merged_at") or (issue.get("pull_request") or {}).get("merged_at"):
        state = "merged"
    opening = _github_post(issue)
    replies = sorted((_github_post(c) for c in comments), key=lambda post: post.date or datetime.min.replace(tzinfo=timezone.utc))
    return Review(key, issue.get("title") or "", issue["html_url"], state, (opening, *replies))


def _github_post(item: dict[str, Any]) -> ReviewPost:
    """Return an issue, comment or review comment as a post."""
    user = item.get("user") or {}
    login = user.get("login") or "ghost"
    text = item.get("body") or ""
    if item.get("path"):  # a review comment on a line of the diff
        text = f"On {item['path']}:\n{item.get('diff_hunk', '')}\n\n{text}"
    return ReviewPost(user.get("name") or login, login, _when(item.get("created_at")), text)


def _gerrit(change: dict[str, Any]) -> Review:
    """Return a Gerrit change with its messages, oldest first."""
    host = change.get("_host") or "review.opendev.org"
    number = change.get("_number") or change.get("number")
    key = f"gerrit:{host}/{number}"
    owner = change.get("owner") or {}
    opening = ReviewPost(owner.get("name") or owner.get("username") or "?", owner.get("username") or owner.get("email") or "",
                         _when(change.get("created")),
                         f"{change.get('subject', '')}\n\nProject: {change.get('project', '')}, branch "
                         f"{change.get('branch', '')}\nChange-Id: {change.get('change_id', '')}")
    posts = [ReviewPost((m.get("author") or {}).get("name") or "Gerrit", (m.get("author") or {}).get("username") or "",
                        _when(m.get("date")), m.get("message") or "") for m in change.get("messages") or []]
    url = f"https://{host}/c/{change.get('project', '')}/+/{number}"
    return Review(key, change.get("subject") or "", url, (change.get("status") or "").lower(), (opening, *posts),
                  change.get("change_id") or "")


def _when(value: object) -> datetime | None:
    """Return a GitHub (ISO 8601) or Gerrit ("2024-01-02 16:00:00.000000000", UTC) time."""
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00").replace(" ", "T", 1)
    if "." in text:
        head, _, tail = text.partition(".")
        zone = tail[tail.find("+"):] if "+" in tail else ""
        text = head + zone
    found = datetime.fromisoformat(text)
    return found if found.tzinfo else found.replace(tzinfo=timezone.utc)


def review_messages(review: Review) -> list[bytes]:
    """Return the review's posts as RFC 5322 messages: the opening post, then replies to it."""
    root = review_root_id(review.key)
    messages = []
    for index, post in enumerate(review.posts):
        text = f"{review.url} ({review.state or 'state unknown'})\n\n{post.text}" if index == 0 else post.text
        messages.append(page_message({
            "name": post.author,
            "email": post.login if "@" in post.login else f"{post.login or 'unknown'}@users.{REVIEW_HOST}",
            "subject": ("" if index == 0 else "Re: ") + f"[{review.key.split(':', 1)[1]}] {review.title}",
            "date": format_datetime(post.date) if post.date is not None else "",
            "message_id": root if index == 0 else f"{index}.{root}",
            "in_reply_to": root if index else "", "references": f"<{root}>" if index else "", "body": text,
        }))
    return messages
