"""Mail archives saved as web pages (or as a browser's "save as text" of them): Pipermail
(Mailman 2), MHonArc and public-inbox pages, read back into messages (pure but for reading files).

Each page becomes an RFC 5322 message built from what the page shows, so it is parsed, stored,
threaded and searched exactly like mail from an mbox, and keeps the page's address as its source
URL so that links to the page resolve to it.

- Pipermail: the subject is the page's `<H1>`, the author its first `<B>`, the address the text of
  the `mailto:` link ("jane at example.com"), the date the `<I>` after it, the body the `<PRE>`
  between `<!--beginarticle-->` and `<!--endarticle-->`. The reply link's `In-Reply-To=` parameter
  is the page's own Message-ID (a reply through it answers this message). Who replies to whom
  comes from the month's `thread.html`, whose nested lists are the threads.
- public-inbox: a message page (`/INBOX/MESSAGE-ID/`) or thread page (`/T/`, `/t/`) shows each
  message as its headers (From, To, Cc, Subject, Date, Message-ID, In-Reply-To) and body, ended
  by a "permalink raw reply" line; the same layout survives saving the page as text.
- Pipermail saved as text: subject, "Name address at host", date, the navigation list, the body,
  and the "More information about the ... mailing list" footer.
- MHonArc: the `<!--X-Subject: -->`, `<!--X-From-R13: -->` (rot13), `<!--X-Date: -->`,
  `<!--X-Message-Id: -->` and `<!--X-Reference: -->` comments, and the body between
  `<!--X-Body-of-Message-->` and `<!--X-Body-of-Message-End-->`.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from bs4 import BeautifulSoup

from archive.models import PAGE_COPY, RawItem, SourceError
from ingest.addresses import deobfuscate_address
from ingest.html_text import html_to_text

PIPERMAIL_MARK = "<!--beginarticle-->"
MHONARC_MARK = "<!--X-Subject:"
# A saved page larger than this is not one message: it is refused, not parsed.
MAX_PAGE_BYTES = 5 * 1024 * 1024
_ARTICLE = re.compile(r"\A\d{6}\.html\Z")
_MONTH = re.compile(r"\A\d{4}-[A-Z][a-z]+\Z")


# public-inbox ends each message with "permalink raw reply", as links in the page and as words in its text.
_PUBLIC_INBOX = re.compile(r"permalink(?:</a>)?\s*(?:<a [^>]*>)?raw(?:</a>)?\s*(?:<a [^>]*>)?reply")
PIPERMAIL_TEXT_MARKS = ("Messages sorted by:", "More information about the")


def is_archive_page(text: str) -> bool:
    """Tell whether a page (or its text) is a Pipermail, MHonArc or public-inbox message or thread page."""
    return PIPERMAIL_MARK in text or MHONARC_MARK in text or bool(_PUBLIC_INBOX.search(text)) or all(
        mark in text for mark in PIPERMAIL_TEXT_MARKS)


def is_pipermail_tree(path: Path) -> bool:
    """Tell whether a folder is a saved Pipermail archive: month folders holding NNNNNN.html pages."""
    folders = [path] + [sub for sub in path.iterdir() if sub.is_dir() and _MONTH.match(sub.name)]
    return any(_ARTICLE.match(page.name) for folder in folders for page in folder.iterdir() if page.is_file())


def iter_pages(path: Path) -> Iterator[RawItem | SourceError]:
    """Yield the message of every archive page in a saved tree (or of one page)."""
    if path.is_file():
        yield from _page_items([path], {})
        return
    months = sorted((sub for sub in path.iterdir() if sub.is_dir() and _MONTH.match(sub.name)), key=lambda p: p.name)
    for folder in months or [path]:
        pages = sorted(page for page in folder.iterdir() if _ARTICLE.match(page.name) or page.suffix == ".html"
                       and page.name not in ("thread.html", "date.html", "author.html", "subject.html", "index.html"))
        parents = thread_parents(folder / "thread.html") if (folder / "thread.html").is_file() else {}
        yield from _page_items(pages, parents)


def _page_items(pages: list[Path], parents: dict[str, str]) -> Iterator[RawItem | SourceError]:
    """Yield the pages' messages, each page's parent (by page name) given as In-Reply-To."""
    read: dict[str, tuple[Path, dict[str, str]]] = {}
    for offset, page in enumerate(pages):
        try:
            data = page.read_bytes()
            if len(data) > MAX_PAGE_BYTES:
                raise ValueError(f"{len(data)} bytes is too large for one message page")
            text = data.decode("utf-8", "replace")
            if _PUBLIC_INBOX.search(text):
                for number, fields in enumerate(read_public_inbox(text)):
                    yield RawItem(page_message(fields), str(page) + PAGE_COPY, offset * 1000 + number,
                                  source_url=page.name)
                continue
            fields = read_page(text)
        except (OSError, ValueError) as error:
            yield SourceError(str(page), offset, f"not a readable archive page: {error}")
            continue
        read[page.name] = (page, fields)
    for offset, (name, (page, fields)) in enumerate(read.items()):
        parent = read.get(parents.get(name, ""))
        if parent and not fields.get("in_reply_to"):
            fields["in_reply_to"] = parent[1].get("message_id", "")
        # The saved tree keeps the archive's layout: LIST/YYYY-Month/NNNNNN.html.
        url = f"/pipermail/{page.parent.parent.name}/{page.parent.name}/{page.name}" if _ARTICLE.match(page.name) \
            and _MONTH.match(page.parent.name) else page.name
        yield RawItem(page_message(fields), str(page) + PAGE_COPY, offset, source_url=url)


def read_page(text: str) -> dict[str, str]:
    """Return what a Pipermail or MHonArc page says of its message: subject, sender, date, ids and body."""
    if MHONARC_MARK in text:
        return _mhonarc(text)
    if PIPERMAIL_MARK in text:
        return _pipermail(text)
    if all(mark in text for mark in PIPERMAIL_TEXT_MARKS):
        return _pipermail_text(text)
    raise ValueError("neither a Pipermail nor an MHonArc message page")


def _pipermail_text(text: str) -> dict[str, str]:
    """Read a Pipermail page saved as text: subject, "Name address at host", date, navigation, body, footer."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    head = [line.strip() for line in lines if line.strip()][:3]
    if len(head) < 3:
        raise ValueError("too short for a Pipermail page")
    subject, author, when = head
    # "Alice Wong alice at lanternfish.example": the address is the last three words.
    words = author.split()
    address = deobfuscate_address(" ".join(words[-3:])) if len(words) >= 3 and words[-2] == "at" else None
    navigation = [index for index, line in enumerate(lines) if "Messages sorted by:" in line]
    start = navigation[0] + 1 if navigation else 3
    end = next((index for index in range(start, len(lines)) if lines[index].strip().startswith("* Previous message")
                or lines[index].strip().startswith("More information about the")), len(lines))
    return {"subject": subject, "name": " ".join(words[:-3]) if address else author,
            "email": address.email if address else "", "date": when, "message_id": "", "in_reply_to": "",
            "body": "\n".join(lines[start:end]).strip("\n")}


_HEADER = re.compile(r"\A\s*(?:\*\s+)?(From|To|Cc|Subject|Date|Message-ID|In-Reply-To|References):\s?(.*)\Z",
                     re.IGNORECASE)


def read_public_inbox(text: str) -> list[dict[str, str]]:
    """Return every message a public-inbox message or thread page shows (its HTML or its text)."""
    if "<html" in text[:2000].lower() or "<pre" in text.lower():
        text = html_to_text(text)
    lines = text.replace("\r\n", "\n").split("\n")
    found = []
    index = 0
    while index < len(lines):
        header = _HEADER.match(lines[index])
        if not header or header[1].lower() != "from":
            index += 1
            continue
        fields: dict[str, str] = {}
        while index < len(lines) and (header := _HEADER.match(lines[index])):
            fields[header[1].lower()] = header[2].strip()
            index += 1
        body: list[str] = []
        while index < len(lines) and not _PUBLIC_INBOX.search(lines[index]):
            body.append(lines[index])
            index += 1
        if "message-id" in fields or "date" in fields:
            found.append(_public_inbox_fields(fields, body))
    if not found:
        raise ValueError("no message in the page")
    return found


def _public_inbox_fields(headers: dict[str, str], body: list[str]) -> dict[str, str]:
    """Return one public-inbox message's fields: its headers as shown, less the page's own words."""
    sender = headers.get("from", "")
    name, _, email = sender.rpartition("<")
    def message_id(value: str) -> str:
        found = re.search(r"[^<>\s()]+@[^<>\s()]+", value)  # the id, without "(raw)" or link targets
        return found.group(0) if found else ""
    while body and body[-1].strip() in ("", "^"):
        body.pop()
    return {"subject": headers.get("subject", ""), "name": name.strip().strip('"') if email else sender,
            "email": email.rstrip(">").strip() if email else "",
            "date": re.sub(r"\s*\[thread overview\]\s*\Z", "", headers.get("date", "")),
            "message_id": message_id(headers.get("message-id", "")),
            "in_reply_to": message_id(headers.get("in-reply-to", "")),
            "body": "\n".join(body).strip("\n").removesuffix("^").rstrip()}


def _pipermail(text: str) -> dict[str, str]:
    """Read a Pipermail article page."""
    head, _, rest = text.partition(PIPERMAIL_MARK)
    article, _, _tail = rest.partition("<!--endarticle-->")
    page = BeautifulSoup(head, "html.parser")
    title = page.find("h1")
    author = page.find("b")
    mailto = page.find("a", href=re.compile(r"\Amailto:", re.IGNORECASE))
    when = mailto.find_next("i") if mailto else page.find("i")
    query = parse_qs(urlsplit(str(mailto.get("href", ""))).query) if mailto else {}
    address = deobfuscate_address(mailto.get_text(" ", strip=True)) if mailto else None
    return {
        "subject": title.get_text(" ", strip=True) if title else "",
        "name": author.get_text(" ", strip=True) if author else "",
        "email": address.email if address else "",
        "date": when.get_text(" ", strip=True) if when else "",
        "message_id": unquote((query.get("In-Reply-To") or [""])[0]).strip().strip("<>"),
        "in_reply_to": "",
        "body": BeautifulSoup(article, "html.parser").get_text().strip("\n"),
    }


_COMMENT = re.compile(r"<!--X-(?P<name>[\w-]+):\s?(?P<value>.*?)\s?-->", re.DOTALL)


def _mhonarc(text: str) -> dict[str, str]:
    """Read an MHonArc message page from its X- comments and body markers."""
    fields: dict[str, list[str]] = {}
    for match in _COMMENT.finditer(text.partition("<!--X-Head-End-->")[0]):
        fields.setdefault(match["name"].casefold(), []).append(html.unescape(match["value"]).strip())
    sender = codecs.encode(fields.get("from-r13", [""])[0], "rot13")
    name, _, email = sender.rpartition("<")
    body = text.partition("<!--X-Body-of-Message-->")[2].partition("<!--X-Body-of-Message-End-->")[0]
    references = fields.get("reference", [])
    return {
        "subject": fields.get("subject", [""])[0],
        "name": name.strip().strip('"') if email else sender,
        "email": email.rstrip(">").strip() if email else "",
        "date": fields.get("date", [""])[0],
        "message_id": fields.get("message-id", [""])[0].strip("<>"),
        "in_reply_to": references[-1].strip("<>") if references else "",
        "references": " ".join(f"<{ref.strip('<>')}>" for ref in references),
        "body": BeautifulSoup(body, "html.parser").get_text().strip("\n"),
    }


def page_message(fields: dict[str, str]) -> bytes:
    """Return a message a page (or a review or post) shows, as RFC 5322 bytes that the mail parser reads like any other."""
    message = EmailMessage()
    if fields.get("email") or fields.get("name"):
        # A name alone (a blog's author) keeps an empty address rather than being read as one.
        message["From"] = formataddr((fields.get("name", ""), fields.get("email", ""))) if fields.get("email") \
            else f'"{fields["name"]}" <>'
    for header, key in (("Subject", "subject"), ("Date", "date")):
        if fields.get(key):
            message[header] = fields[key]
    if fields.get("message_id"):
        message["Message-ID"] = f"<{fields['message_id']}>"
    if fields.get("in_reply_to"):
        message["In-Reply-To"] = f"<{fields['in_reply_to']}>"
    if fields.get("references"):
        message["References"] = fields["references"]
    message.set_content(fields.get("body", ""))
    return bytes(message)


def thread_parents(path: Path) -> dict[str, str]:
    """Return each page's parent page (by file name) from a Pipermail thread.html: nested lists are replies."""
    page = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")
    parents: dict[str, str] = {}
    for item in page.find_all("li"):
        link = item.find("a", href=_ARTICLE)
        if link is None:
            continue
        holder = item.find_parent("ul")
        above = holder.find_parent("li") if holder else None
        up = above.find("a", href=_ARTICLE) if above else None
        if up is not None and up is not link:
            parents[str(link["href"])] = str(up["href"])
    return parents
