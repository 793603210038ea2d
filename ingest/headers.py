"""Decode header values and bytes safely: charsets, RFC 2047 words, Message-IDs."""

from __future__ import annotations

import binascii
import re
from email.message import Message as EmailMessage

# Browsers read these labels as windows-1252 (WHATWG), and so does most mail in practice.
_LATIN1_LABELS = frozenset({"iso-8859-1", "iso8859-1", "iso_8859-1", "latin-1", "latin1", "l1",
                            "windows-1252", "cp1252", "x-cp1252"})
_ASCII_LABELS = frozenset({"", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us",
                           "unknown-8bit", "x-unknown", "unknown", "x-user-defined", "default"})
# Labels seen in real mail that Python's codec registry does not know.
_ALIASES = {"x-gbk": "gbk", "x-sjis": "shift_jis", "x-euc-jp": "euc_jp", "x-mac-roman": "mac_roman",
            "unicode-1-1-utf-8": "utf-8", "utf8": "utf-8", "x-gb2312": "gb2312"}
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*=*")
_FOLD = re.compile(r"\r?\n[ \t]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_COMMENT = re.compile(r"\([^()]*\)")
_ANGLE_ID = re.compile(r"<([^<>]*)>")
MAX_REFERENCES = 200


def _decode_cp1252(data: bytes) -> str:
    """Decode as windows-1252, using latin-1 for the five bytes cp1252 leaves undefined."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode_bytes(data: bytes, charset: str | None, defects: list[str], what: str) -> str:
    """Decode bytes in their declared charset, falling back without ever raising."""
    label = (charset or "").strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    if label in _ASCII_LABELS:
        if data.isascii():
            return data.decode("ascii")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            defects.append(f"{what}: undeclared 8-bit text, read as windows-1252")
            return _decode_cp1252(data)
    if label in _LATIN1_LABELS:
        return _decode_cp1252(data)
    try:
        return data.decode(label)
    except UnicodeError:  # before ValueError, its base: the label is known, the bytes wrong
        pass
    except (LookupError, ValueError):  # unknown, or junk such as a NUL in the label
        defects.append(f"{what}: unknown charset {label[:40]!r}, read as UTF-8")
        return data.decode("utf-8", "replace")
    # The label is known but wrong for these bytes: UTF-8 is the usual truth.
    try:
        text = data.decode("utf-8")
        defects.append(f"{what}: not valid {label}, read as UTF-8")
        return text
    except UnicodeDecodeError:
        defects.append(f"{what}: not valid {label}, undecodable bytes replaced")
    try:
        return data.decode(label, "replace")
    except (LookupError, ValueError):
        return data.decode("utf-8", "replace")


def _decode_word(charset: str, encoding: str, text: str, defects: list[str],
                 what: str) -> str | None:
    """Decode one RFC 2047 encoded word, or return None when its payload is broken."""
    charset = charset.split("*", 1)[0]  # RFC 2231 language suffix
    if encoding in "bB":
        try:
            if not _BASE64.fullmatch(text):
                raise binascii.Error("not base64")
            data = binascii.a2b_base64(text + "=" * (-len(text) % 4))
        except binascii.Error:
            defects.append(f"{what}: broken base64 encoded word kept as is")
            return None
    else:
        data = binascii.a2b_qp(text.encode("utf-8", "surrogateescape"), header=True)
    return decode_bytes(data, charset, defects, what)


def decode_words(value: str, defects: list[str], what: str = "header") -> str:
    """Replace RFC 2047 encoded words by their text, dropping the space between adjacent ones."""
    if "=?" not in value:
        return value
    out: list[str] = []
    pos = 0
    previous_word = False
    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos:match.start()]
        if not (previous_word and (not gap or gap.isspace())):
            out.append(gap)
        charset, encoding, text = match.groups()
        decoded = _decode_word(charset, encoding, text, defects, what)
        out.append(match.group(0) if decoded is None else decoded)
        previous_word = decoded is not None
        pos = match.end()
    out.append(value[pos:])
    return "".join(out)


def _clean_value(value: str, defects: list[str] | None, name: str, words: bool) -> str:
    """Unfold one raw header value, decode raw 8-bit bytes and (optionally) encoded words."""
    if "\n" in value:
        value = _FOLD.sub(" ", value)
    if value.isascii() and "=?" not in value:
        pass  # the common case: nothing to decode
    else:
        sink: list[str] = [] if defects is None else defects
        what = name.title()
        try:
            value = decode_bytes(value.encode("ascii", "surrogateescape"), None, sink, what)
        except UnicodeEncodeError:
            pass  # already real text: nothing to decode
        if words:
            value = decode_words(value, sink, what)
    if not value.isprintable():
        # A CR or LF decoded from an encoded word would break any header we write later.
        value = _CONTROL.sub(" ", value)
    return value.strip()


class HeaderIndex:
    """A message's first header values by lower-case name, built once for many look-ups."""

    __slots__ = ("message", "first")

    def __init__(self, message: EmailMessage) -> None:
        self.message = message
        # Filled back to front, so that the first of a repeated header wins.
        self.first = {key.lower(): value for key, value in reversed(list(message.raw_items()))}


def _raw_values(source: EmailMessage | HeaderIndex, name: str) -> list[str]:
    """Return the raw values of one header from a message or a header index."""
    message = source.message if isinstance(source, HeaderIndex) else source
    wanted = name.lower()
    return [value for key, value in message.raw_items()
            if key.lower() == wanted and isinstance(value, str)]


def header_texts(source: EmailMessage | HeaderIndex, name: str,
                 defects: list[str] | None = None, *, words: bool = True) -> list[str]:
    """Return every value of a header as clean text; never raise."""
    return [_clean_value(value, defects, name, words) for value in _raw_values(source, name)]


def header_text(source: EmailMessage | HeaderIndex, name: str,
                defects: list[str] | None = None, *, words: bool = True) -> str:
    """Return the first value of a header as clean text ("" when absent); never raise."""
    if isinstance(source, HeaderIndex):
        value = source.first.get(name.lower(), "")
        if not isinstance(value, str):
            return ""  # only a hand-built message holds Header objects; parsed ones never do
    else:
        values = _raw_values(source, name)
        value = values[0] if values else ""
    return _clean_value(value, defects, name, words) if value else ""


def normalise_message_id(text: str) -> str | None:
    """Return a Message-ID without <>, whitespace or surrounding junk; None when there is none."""
    start = text.find("<")
    if start >= 0:
        end = text.find(">", start)
        if end >= 0:
            inner = text[start + 1:end]
        else:  # unclosed: the id runs to the first space
            rest = text[start + 1:].split()
            inner = rest[0] if rest else ""
    else:
        tokens = _COMMENT.sub(" ", text).split()
        if len(tokens) > 1:
            tokens = [token for token in tokens if "@" in token][:1]
        inner = tokens[0] if tokens else ""
        if "/" in inner and "@" in inner:  # a public-inbox link: the id is its last part
            inner = [segment for segment in inner.split("/") if "@" in segment][-1]
    ident = "".join(inner.split()).strip("<>")
    return ident or None


def reference_ids(text: str) -> list[str]:
    """Return every Message-ID in a References value, oldest first."""
    if "<" not in text:
        return [ident for token in text.replace(",", " ").split() if "@" in token
                for ident in [normalise_message_id(token)] if ident]
    return [ident for inner in _ANGLE_ID.findall(text)
            for ident in [inner if inner.isprintable() and " " not in inner
                          else "".join(inner.split())] if ident]


def thread_ids(references: str, in_reply_to: str, own_id: str,
               defects: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """Return (In-Reply-To id, References ids) deduplicated, capped, without self-references."""
    seen = {own_id}
    refs: list[str] = []
    for ident in reference_ids(references):
        if ident not in seen:
            seen.add(ident)
            refs.append(ident)
    if len(refs) > MAX_REFERENCES:
        defects.append(f"References: {len(refs)} ids, kept the last {MAX_REFERENCES}")
        refs = refs[-MAX_REFERENCES:]
    parent = None
    if in_reply_to:
        match = _ANGLE_ID.search(in_reply_to)
        parent = "".join(match.group(1).split()) if match else normalise_message_id(in_reply_to)
        if match is None and parent is not None:
            defects.append(f"In-Reply-To: malformed, read as {parent!r}")
        if parent == own_id or not parent:
            parent = None
    return parent, tuple(refs)
