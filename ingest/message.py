"""Parse one e-mail message's bytes into a Message, repairing what real mail gets wrong."""

from __future__ import annotations

import email
import hashlib
import re
import warnings
from datetime import datetime, timedelta, timezone
from email.message import Message as EmailMessage
from email.policy import compat32
from email.utils import parsedate_tz

from archive.errors import MessageRejected, NotFound
from archive.models import Address, Message
from ingest.addresses import deobfuscate_address, parse_addresses
from ingest.headers import (HeaderIndex, header_text, header_texts,
                            normalise_message_id, thread_ids)
from ingest.mime import (Part, attachment_part, body_and_attachments, scrubbed_attachments,
                         walk_parts)

__all__ = ["attachment_bytes", "deobfuscate_address", "header_text", "normalise_message_id",
           "parse_date", "parse_message"]

MAX_BYTES = 25 * 1024 * 1024
MAX_HEADER_BYTES = 256 * 1024
EARLIEST = datetime(1980, 1, 1, tzinfo=timezone.utc)
_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
# The end of an mbox From_ line: "Tue Mar  1 12:27:36 2005", sometimes with a zone before the year.
_ASCTIME = re.compile(r"([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
                      r"\s+(?:[A-Z]{3,4}\s+|[+-]\d{4}\s+)?(\d{4})\s*$")
_EXPLICIT_UTC = re.compile(r"\+0000|\b(?:UTC?|GMT|Z)\b")
_ZONE_COMMENT = re.compile(r"\(([A-Za-z]{1,5})\)\s*$")
_ZONES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -300, "EDT": -240, "CST": -360,
          "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "CET": 60,
          "CEST": 120, "MET": 60, "MEST": 120, "BST": 60, "JST": 540}
_MESSY_DEFAULT = datetime(1, 1, 1)  # year 1 marks a date without a year
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_Dated = tuple[str, datetime, int | None]  # where a date came from, the date, its offset


def _offset_minutes(text: str, seconds: int | None, defects: list[str]) -> int | None:
    """Return a parsed zone offset in minutes; None when the header did not really give one."""
    if seconds is None:
        return None
    if seconds == 0:  # parsedate_tz also says 0 when there is no zone at all
        return 0 if _EXPLICIT_UTC.search(text) else None
    if abs(seconds) <= 14 * 3600:
        return seconds // 60
    comment = _ZONE_COMMENT.search(text)
    zone = comment.group(1).upper() if comment else ""
    minutes = _ZONES.get(zone)
    defects.append("Date: impossible time zone, " +
                   ("assumed UTC" if minutes is None else f"used {zone} from its comment"))
    return minutes


def _rfc_date(text: str, defects: list[str]) -> tuple[datetime, int | None] | None:
    """Parse an RFC 5322 date quickly with the standard library, or return None."""
    try:
        parsed = parsedate_tz(text)
    except (ValueError, IndexError, TypeError, OverflowError):
        return None
    if parsed is None:
        return None
    minutes = _offset_minutes(text, parsed[9], defects)
    try:
        local = datetime(*parsed[:6], tzinfo=timezone.utc)
        return local - timedelta(minutes=minutes or 0), minutes
    except (ValueError, OverflowError):
        return None


def _messy_date(text: str) -> tuple[datetime, int | None] | None:
    """Parse a malformed date with dateutil's fuzzy parser, or return None."""
    from dateutil import parser  # only messy dates need it, and it is slow to import

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", parser.UnknownTimezoneWarning)
        try:
            value = parser.parse(text[:200], fuzzy=True, default=_MESSY_DEFAULT)
        except (ValueError, OverflowError):
            return None
    try:
        offset = value.utcoffset()
    except ValueError:  # dateutil accepts zones a datetime cannot hold
        return None
    if value.year == 1 or (offset is not None and abs(offset) > timedelta(hours=14)):
        return None
    if offset is None:
        return value.replace(tzinfo=timezone.utc), None
    return value.astimezone(timezone.utc), int(offset.total_seconds()) // 60


def parse_date(text: str, defects: list[str]) -> tuple[datetime, int | None] | None:
    """Return (UTC datetime, the header's offset in minutes) of a Date value, or None."""
    found = _rfc_date(text, defects)
    if found is None and text:
        found = _messy_date(text)
        if found is not None:
            defects.append(f"Date: malformed {text[:60]!r}, read leniently")
    return found


def envelope_date(envelope: str) -> datetime | None:
    """Return the UTC date at the end of an mbox From_ line, or None."""
    match = _ASCTIME.search(envelope)
    if not match or match.group(1) not in _MONTHS:
        return None
    month, day, hour, minute, second, year = match.groups()
    try:
        return datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute),
                        int(second or 0), tzinfo=timezone.utc)
    except ValueError:
        return None


def _plausible(value: datetime, now: datetime) -> bool:
    """Tell whether a date could be a real sending date."""
    return EARLIEST <= value <= now + timedelta(days=2)


def _fallback_dates(headers: HeaderIndex, envelope: str | None,
                    archive_month: tuple[int, int] | None, defects: list[str]) -> list[_Dated]:
    """Return the candidate dates after the Date header, best first."""
    found: list[_Dated] = []
    resent = _rfc_date(header_text(headers, "resent-date", defects, words=False), defects)
    if resent:
        found.append(("Resent-Date", *resent))
    for received in header_texts(headers, "received", defects, words=False):
        stamp = _rfc_date(received.rpartition(";")[2], defects) if ";" in received else None
        if stamp:
            found.append(("Received", *stamp))
            break
    from_line = envelope_date(envelope) if envelope else None
    if from_line:
        found.append(("the mbox From_ line", from_line, None))
    if archive_month:
        try:
            first_day = datetime(*archive_month, 1, tzinfo=timezone.utc)
            found.append(("the archive month", first_day, None))
        except (ValueError, TypeError):
            defects.append(f"archive month {archive_month!r} is not a month")
    return found


def message_date(headers: HeaderIndex, envelope: str | None,
                 archive_month: tuple[int, int] | None,
                 defects: list[str]) -> tuple[datetime | None, int | None, bool]:
    """Return (UTC date, original offset, uncertain) from the Date header or the fallbacks."""
    now = datetime.now(timezone.utc)
    text = header_text(headers, "date", defects, words=False)
    found = parse_date(text, defects) if text else None
    if found and _plausible(found[0], now):
        return found[0], found[1], False
    defects.append("Date: " + ("missing" if not text else "absurd" if found else "unreadable"))
    for source, value, offset in _fallback_dates(headers, envelope, archive_month, defects):
        if _plausible(value, now):
            defects.append(f"Date: taken from {source}")
            return value, offset, True
    if found:  # absurd, but the best there is
        return found[0], found[1], True
    return None, None, True


def _check_size(raw: bytes) -> None:
    """Reject messages too big to import, before parsing them."""
    if len(raw) > MAX_BYTES:
        raise MessageRejected(f"message is {len(raw)} bytes, over the {MAX_BYTES}-byte limit")
    if len(raw) > MAX_HEADER_BYTES:
        ends = [end for end in (raw.find(b"\n\n", 0, MAX_HEADER_BYTES + 2),
                                raw.find(b"\n\r\n", 0, MAX_HEADER_BYTES + 3)) if end >= 0]
        if not ends:
            raise MessageRejected(f"header block over {MAX_HEADER_BYTES} bytes")


def _parse_bytes(raw: bytes) -> EmailMessage:
    """Parse bytes with the fast compat32 policy, rejecting size and structure bombs."""
    _check_size(raw)
    try:
        return email.message_from_bytes(raw, policy=compat32)
    except RecursionError as error:
        raise MessageRejected("MIME structure too deep to parse") from error


def _mime_defects(parts: list[Part]) -> list[str]:
    """Describe the structural defects the standard parser noted, once each."""
    names = sorted({type(defect).__name__ for part in parts for defect in part.message.defects})
    return ["MIME: " + _CAMEL.sub(" ", name).lower().removesuffix(" defect") for name in names]


def _sender(headers: HeaderIndex, defects: list[str]) -> Address:
    """Return the From address (empty when there is none)."""
    value = header_text(headers, "from", defects, words=False)
    if not value:
        defects.append("From: missing")
    found = parse_addresses(value, defects, "From")
    return found[0] if found else Address("", "")


def parse_message(raw: bytes, *, envelope: str | None = None,
                  archive_month: tuple[int, int] | None = None,
                  source_url: str | None = None) -> Message:
    """Parse one message's bytes; raise MessageRejected only for messages over the caps."""
    msg = _parse_bytes(raw)
    headers = HeaderIndex(msg)
    parts = walk_parts(msg, headers)
    defects: list[str] = []
    content_hash = hashlib.sha256(raw).hexdigest()
    message_id = normalise_message_id(header_text(headers, "message-id", defects, words=False))
    generated = message_id is None
    if message_id is None:
        message_id = f"{content_hash[:32]}@minutebook.generated"
        defects.append("Message-ID: missing, generated from the content hash")
    in_reply_to, references = thread_ids(header_text(headers, "references", defects),
                                         header_text(headers, "in-reply-to", defects),
                                         message_id, defects)
    date, offset, uncertain = message_date(headers, envelope or msg.get_unixfrom(), archive_month,
                                           defects)
    body, from_html, attachments = body_and_attachments(parts, defects)
    defects.extend(_mime_defects(parts))
    return Message(
        message_id=message_id, content_hash=content_hash,
        subject=header_text(headers, "subject", defects), sender=_sender(headers, defects),
        to=parse_addresses(header_text(headers, "to", defects, words=False), defects, "To"),
        cc=parse_addresses(header_text(headers, "cc", defects, words=False), defects, "Cc"),
        date=date, utc_offset_minutes=offset, date_uncertain=uncertain,
        in_reply_to=in_reply_to, references=references, body=body, body_from_html=from_html,
        attachments=attachments + scrubbed_attachments(body), defects=tuple(defects), raw=raw,
        generated_id=generated, source_url=source_url,
    )


def attachment_bytes(raw: bytes, part_index: int) -> tuple[str, str, bytes]:
    """Return (file name, content type, decoded bytes) of the part at part_index."""
    try:
        return attachment_part(walk_parts(_parse_bytes(raw)), part_index)
    except IndexError as error:
        raise NotFound(f"no attachment at part {part_index}") from error
