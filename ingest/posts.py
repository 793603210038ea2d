"""Blog posts and other web documents: an RSS or Atom feed of posts, or one saved HTML page, read
as messages (pure but for reading files).

A post becomes a message of its own: its title the subject, its author the sender, its date, its
text as the body and its address as the source URL. So it is stored, searched, cross-linked and
read by the minutes rules (a post carrying a board's meeting notes yields its decisions) like mail.
Feeds are read by feedparser, which also cleans the posts' HTML; pages by BeautifulSoup.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import feedparser
from bs4 import BeautifulSoup

from archive.models import PAGE_COPY, RawItem, SourceError
from ingest.html_text import html_to_text
from ingest.web_pages import MAX_PAGE_BYTES, page_message

# The host of the Message-IDs given to posts (made from their address, so a post read twice is one).
POST_HOST = "post.minutebook.invalid"
_FEED = re.compile(r"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_HTML = re.compile(r"<(?:!doctype html|html)\b", re.IGNORECASE)


def is_feed(text: str) -> bool:
    """Tell whether a file is an RSS or Atom feed."""
    return bool(_FEED.search(text[:4000]))


def is_web_page(text: str) -> bool:
    """Tell whether a file is an HTML page."""
    return bool(_HTML.search(text[:4000]))


def post_id(address: str) -> str:
    """Return the Message-ID a post is stored under, made from its address."""
    return f"{quote(address, safe='')[:200]}@{POST_HOST}"


def iter_posts(path: Path) -> Iterator[RawItem | SourceError]:
    """Yield the posts of a feed, or the one post a saved page holds, as messages."""
    try:
        data = path.read_bytes()
        if len(data) > MAX_PAGE_BYTES:
            raise ValueError(f"{len(data)} bytes is too large for a page or feed")
        text = data.decode("utf-8", "replace")
        posts = feed_posts(data) if is_feed(text) else [page_post(text, path.name)]
    except (OSError, ValueError) as error:
        yield SourceError(str(path), 0, f"not a readable feed or web page: {error}")
        return
    for offset, fields in enumerate(posts):
        yield RawItem(page_message(fields), str(path) + PAGE_COPY, offset, source_url=fields.get("url") or None)


def feed_posts(data: bytes) -> list[dict[str, str]]:
    """Return the posts of an RSS or Atom feed."""
    feed = feedparser.parse(data)
    if not feed.entries:
        raise ValueError(f"a feed without posts ({feed.get('bozo_exception') or 'no entries'})")
    return [_entry_post(entry) for entry in feed.entries]


def _entry_post(entry: Any) -> dict[str, str]:
    """Return one feed entry as a post."""
    content = entry.get("content")
    html = content[0].get("value", "") if content else entry.get("summary", "")
    detail = entry.get("author_detail") or {}
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    date = datetime.fromtimestamp(calendar.timegm(when), timezone.utc) if when else None
    address = entry.get("link") or entry.get("id") or entry.get("title", "")
    return {"subject": entry.get("title", ""), "name": detail.get("name") or entry.get("author", ""),
            "email": detail.get("email", ""), "date": format_datetime(date) if date else "",
            "message_id": post_id(address), "in_reply_to": "", "url": entry.get("link", ""),
            "body": html_to_text(html) if html else ""}


def _mail_date(value: str) -> str:
    """Return a page's date (ISO 8601 in its meta tags) as a mail Date, or the text as it is."""
    try:
        found = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value
    return format_datetime(found if found.tzinfo else found.replace(tzinfo=timezone.utc))


def page_post(html: str, name: str) -> dict[str, str]:
    """Return a saved web page (a blog post) as a post: title, author, date and the article's text."""
    page = BeautifulSoup(html, "html.parser")
    def meta(*names: str) -> str:
        for key in names:
            tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
            if tag and tag.get("content"):
                return str(tag["content"]).strip()
        return ""
    title = meta("og:title") or (page.title.get_text(" ", strip=True) if page.title else "")
    heading = page.find("h1")
    time = page.find("time")
    date = meta("article:published_time", "date", "dc.date") or (str(time.get("datetime") or time.get_text())
                                                                   if time else "")
    canonical = page.find("link", rel="canonical")
    url = meta("og:url") or (str(canonical.get("href", "")) if canonical else "")
    article = page.find("article") or page.find("main") or page.body or page
    for noise in article.find_all(["nav", "header", "footer", "aside", "form"]):
        noise.decompose()
    return {"subject": title or (heading.get_text(" ", strip=True) if heading else name),
            "name": meta("author", "article:author"), "email": "", "date": _mail_date(date),
            "message_id": post_id(url or name), "in_reply_to": "", "url": url,
            "body": html_to_text(str(article))}
