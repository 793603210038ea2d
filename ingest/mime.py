"""Find a message's body text and attachments in its MIME structure."""

from __future__ import annotations

import mimetypes
import re
from email.message import Message as EmailMessage
from typing import NamedTuple

from archive.errors import MessageRejected
from archive.models import Attachment
from ingest.headers import HeaderIndex, decode_bytes, decode_words, header_text
from ingest.html_text import html_to_text

MAX_DEPTH = 20
MAX_PARTS = 500
MAX_HTML_CHARS = 1_000_000  # html.parser reads about 1 MB/s; the HTML itself stays a file
_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
# Mailman 2's scrubber replaces attachments by these stubs in the archived text.
_STUB_TYPES = {
    "A non-text attachment was scrubbed...": "application/octet-stream",
    "An HTML attachment was scrubbed...": "text/html",
    "An embedded and charset-unspecified text was scrubbed...": "text/plain",
    "An embedded message was scrubbed...": "message/rfc822",
}
_CHARSET = re.compile(r';\s*charset\s*=\s*"?([^";\s]+)')
_STUB_FIELD = re.compile(r"([A-Za-z-]+): ?(.*)")


class Part(NamedTuple):
    """One MIME part with what body selection needs to know about it."""

    message: EmailMessage
    ctype: str  # as EmailMessage.get_content_type() gives it
    type_header: str  # the whole Content-Type value, parameters included
    in_alternative: bool  # inside a multipart/alternative
    attached: bool  # meant as a file: attachment disposition or a file name


def _file_name(part: EmailMessage) -> str | None:
    """Return the file name a part declares, or None."""
    try:
        name = part.get_filename()
    except ValueError:  # the standard library trips over a NUL in an RFC 2231 value
        return ""  # declared, but unreadable
    return name if isinstance(name, str) else None


def _describe(part: EmailMessage, headers: HeaderIndex, in_alternative: bool) -> Part:
    """Read a part's type and disposition from its headers, as compat32 would."""
    content_type = header_text(headers, "content-type", words=False)
    if not content_type:
        ctype = part.get_default_type()
    else:
        ctype = content_type.partition(";")[0].strip().lower()
        ctype = ctype if ctype.count("/") == 1 else "text/plain"
    disposition = header_text(headers, "content-disposition", words=False).lower()
    attached = disposition.partition(";")[0].strip() == "attachment"
    if not attached and ("name" in disposition or "name" in content_type.lower()):
        attached = _file_name(part) is not None  # the costly check, only when it may matter
    return Part(part, ctype, content_type, in_alternative, attached)


def walk_parts(msg: EmailMessage, headers: HeaderIndex | None = None) -> list[Part]:
    """Return every part in msg.walk() order, rejecting nesting and part-count bombs."""
    parts: list[Part] = []
    stack = [(msg, 0, False)]
    while stack:
        message, depth, in_alternative = stack.pop()
        if depth > MAX_DEPTH:
            raise MessageRejected(f"MIME nesting deeper than {MAX_DEPTH}")
        index = headers if headers is not None and message is msg else HeaderIndex(message)
        part = _describe(message, index, in_alternative)
        parts.append(part)
        if len(parts) > MAX_PARTS:
            raise MessageRejected(f"more than {MAX_PARTS} MIME parts")
        children = message.get_payload() if message.is_multipart() else None
        if isinstance(children, list):  # multipart/* and message/* alike
            inner = in_alternative or part.ctype == "multipart/alternative"
            stack.extend((child, depth + 1, inner) for child in reversed(children)
                         if isinstance(child, EmailMessage))
    return parts


def _payload(part: EmailMessage) -> bytes:
    """Return a leaf part's payload with its transfer encoding undone."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _charset(part: Part) -> str | None:
    """Return a part's declared charset, reading the common plain form cheaply."""
    lowered = part.type_header.lower()
    if "charset" not in lowered:
        return None
    plain = _CHARSET.search(lowered)
    if plain:
        return plain.group(1)
    try:
        return part.message.get_content_charset()
    except ValueError:  # the standard library trips over a NUL in an RFC 2231 value
        return None


def part_text(part: Part, defects: list[str]) -> str:
    """Return a text part's payload decoded to text with LF line ends."""
    data = _payload(part.message)
    text = decode_bytes(data, _charset(part), defects, "Body")
    if "\r" in text:  # CRLF from the wire, and lone CRs (old Macs, binary junk) alike
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _safe_type(ctype: str) -> str:
    """Return a content type fit to serve, or application/octet-stream when it is junk."""
    return ctype if _CONTENT_TYPE.fullmatch(ctype) else "application/octet-stream"


def _filename(part: EmailMessage, index: int, ctype: str) -> str:
    """Return a part's file name without any path, or a made-up one from its type."""
    raw = _file_name(part)
    name = decode_words(raw, []) if raw else ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name:
        return name
    return f"part-{index}{mimetypes.guess_extension(ctype) or '.bin'}"


def _attachment(part: Part, index: int) -> Attachment:
    """Describe one part as an Attachment."""
    ctype = _safe_type(part.ctype)
    size = len(_payload(part.message))
    return Attachment(index, _filename(part.message, index, ctype), ctype, size)


def _html_body(html: str, defects: list[str]) -> str:
    """Convert an HTML body to text, only its start when it is huge (parsing is slow)."""
    if len(html) > MAX_HTML_CHARS:
        defects.append(f"Body: HTML of {len(html)} characters, the first {MAX_HTML_CHARS} shown")
        html = html[:MAX_HTML_CHARS]
    return html_to_text(html)


def body_and_attachments(parts: list[Part],
                         defects: list[str]) -> tuple[str, bool, tuple[Attachment, ...]]:
    """Return (body text, body came from HTML, attachments) of a walked message."""
    texts: list[int] = []  # inline text/plain parts: the first is the body, the rest follow it
    html = None
    files: list[int] = []
    for index, part in enumerate(parts):
        if part.message.is_multipart():
            continue  # message/rfc822 and friends: their parts follow
        if part.ctype == "text/plain" and not part.attached:
            if not texts or not part.in_alternative:
                # a later inline text part is usually the list's footer: shown, not a file
                texts.append(index)
                continue
        elif part.ctype == "text/html" and not part.attached:
            html = index if html is None else html
            if part.in_alternative:
                continue  # the HTML twin of a text body; kept as a file only if it is used
        files.append(index)
    body, from_html = "", False
    if texts:
        pieces = [part_text(parts[index], defects) for index in texts]
        body = pieces[0] if len(pieces) == 1 else "\n".join(p.rstrip("\n") + "\n" for p in pieces)
    elif html is not None:
        body, from_html = _html_body(part_text(parts[html], defects), defects), True
        if html not in files:
            files.append(html)
            files.sort()
    return body, from_html, tuple(_attachment(parts[index], index) for index in files)


def attachment_part(parts: list[Part], part_index: int) -> tuple[str, str, bytes]:
    """Return (file name, content type, decoded bytes) of one leaf part."""
    if not 0 <= part_index < len(parts) or parts[part_index].message.is_multipart():
        raise IndexError(part_index)
    part = parts[part_index]
    ctype = _safe_type(part.ctype)
    return (_filename(part.message, part_index, ctype), ctype,
            _payload(part.message))


def _stub_attachment(kind: str, fields: dict[str, str]) -> Attachment:
    """Describe one scrubbed-attachment stub as an Attachment that cannot be fetched."""
    url = fields.get("url", "").strip("<> ")
    name = fields.get("name", "")
    if not name or name == "not available":
        name = url.rsplit("/", 1)[-1] if url else ""
    size = re.match(r"\d+", fields.get("size", ""))
    ctype = fields.get("type", "").lower()
    if not _CONTENT_TYPE.fullmatch(ctype):
        ctype = _STUB_TYPES[kind]
    return Attachment(-1, name, ctype, int(size.group()) if size else 0)


def scrubbed_attachments(body: str) -> tuple[Attachment, ...]:
    """Return the attachments Pipermail's scrubber replaced by stubs in the body."""
    if "was scrubbed..." not in body:
        return ()
    found = []
    lines = body.split("\n")
    for number, line in enumerate(lines):
        kind = line.strip()
        if kind not in _STUB_TYPES:
            continue
        fields: dict[str, str] = {}
        for following in lines[number + 1:number + 12]:
            field = _STUB_FIELD.fullmatch(following.strip())
            if not field:
                break
            fields.setdefault(field.group(1).lower(), field.group(2).strip())
        found.append(_stub_attachment(kind, fields))
    return tuple(found)
