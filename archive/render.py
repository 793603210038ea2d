"""Message bodies as safe HTML: blocks (text, quote, diff, signature), links and hidden addresses.

Everything here is pure: text in, `markupsafe.Markup` out. Every piece of a body is escaped;
links are made only from the raw text (http, https and ftp URLs found by linkify-it-py) and get
`rel="nofollow ugc noopener"`; addresses are shortened (`ali…@example.org`) unless a list shows them.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from linkify_it import LinkifyIt
from markupsafe import Markup, escape

from archive.models import Address

# Quotes this short stay open: they are the context of an interleaved answer.
OPEN_QUOTE_LINES = 3
# A "-- " line this close to the end starts a signature; "--" without the space only this close.
SIGNATURE_LINES = 40
BARE_DASHES_LINES = 8
LINK_REL = "nofollow ugc noopener"
LINK_SCHEMES = ("http://", "https://", "ftp://")

_LOCAL_PUNCTUATION = "._+=-"
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_DIFF_START = ("diff --git ", "diff -u", "diff -r", "diff -N")
_DIFF_META = ("diff ", "index ", "--- ", "+++ ", "new file mode", "deleted file mode", "old mode", "new mode",
              "similarity index", "dissimilarity index", "rename from", "rename to", "copy from", "copy to",
              "Binary files", "GIT binary patch", "Index: ", "====")
_DIFF_LINE_FIRST = frozenset(" +-@\\")
_FOOTER_RULE = "_" * 30
_LOG_COMMAND = re.compile(r"#\w+")


def url_matcher() -> LinkifyIt:
    """Return a linkify-it matcher for explicit URLs only (no bare domains, no mailto:)."""
    # Fuzzy matching would link file names such as setup.py (.py is a country's domain).
    linkify = LinkifyIt(options={"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})
    linkify.add("mailto:", None)
    linkify.add("//", None)
    return linkify


URL_MATCHER = url_matcher()


@dataclass(frozen=True)
class Block:
    """A run of body lines of one kind: text, quote, diff or signature."""

    kind: str
    lines: tuple[str, ...]


def obfuscate_email(email: str) -> str:
    """Return email with most of its local part hidden: alice@example.org -> al…@example.org."""
    local, at, domain = email.rpartition("@")
    if not at:
        return email[: max(1, min(3, len(email) // 2))] + "…" if email else ""
    keep = max(1, min(3, len(local) // 2))
    return f"{local[:keep]}…@{domain}"


def obfuscate_text(text: str) -> str:
    """Return text with every address in it obfuscated."""
    if "@" not in text:
        return text
    # Look outwards from each "@" instead of running one regex over the whole text (many times faster).
    pieces: list[str] = []
    done = 0
    at = text.find("@")
    while at != -1:
        start = at
        while start > done and (text[start - 1].isalnum() or text[start - 1] in _LOCAL_PUNCTUATION):
            start -= 1
        domain = _DOMAIN.match(text, at + 1)
        if start < at and domain:
            pieces.append(text[done:start])
            pieces.append(obfuscate_email(text[start : domain.end()]))
            done = domain.end()
        at = text.find("@", max(at + 1, done))
    pieces.append(text[done:])
    return "".join(pieces)


def address_text(address: Address, *, show: bool) -> str:
    """Return how an address reads on a page: the name, else the (possibly obfuscated) address."""
    name = address.name if show else obfuscate_text(address.name)
    if name:
        return name
    if address.email:
        return address.email if show else obfuscate_email(address.email)
    return "(unknown sender)"


def email_text(address: Address, *, show: bool) -> str:
    """Return the address part alone, obfuscated unless shown."""
    return address.email if show or not address.email else obfuscate_email(address.email)


def _signature_start(lines: list[str]) -> int:
    """Return the index where the signature (or, failing one, a list footer) begins, or len(lines)."""
    end = len(lines)
    footer = end
    for index in range(end - 1, max(-1, end - SIGNATURE_LINES - 1), -1):
        line = lines[index]
        if line == "-- " or (line == "--" and end - index <= BARE_DASHES_LINES):
            return index
        if line.startswith(_FOOTER_RULE) and not line.strip("_") and end - index <= BARE_DASHES_LINES:
            footer = index
    return footer


def _is_diff_start(lines: list[str], index: int) -> bool:
    """Tell whether a diff begins at lines[index]."""
    line = lines[index]
    if line.startswith(_DIFF_START):
        return True
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return line.startswith("--- ") and following.startswith("+++ ")


def _is_diff_line(line: str) -> bool:
    """Tell whether line can continue a diff."""
    return (line[:1] in _DIFF_LINE_FIRST and line != "-- ") or line.startswith(_DIFF_META)


def _diff_end(lines: list[str], index: int) -> int:
    """Return the index just past the diff that begins at index."""
    end = index + 1
    while end < len(lines):
        line = lines[end]
        if _is_diff_line(line) or line.startswith(_DIFF_START):
            end += 1
        elif not line and end + 1 < len(lines) and _is_diff_line(lines[end + 1]):
            end += 1  # a context line whose single space a mailer stripped
        else:
            break
    return end


def _quote_end(lines: list[str], index: int) -> int:
    """Return the index just past the quote that begins at index (blank lines inside belong to it)."""
    end = index
    while end < len(lines):
        if lines[end].startswith(">"):
            end += 1
        elif not lines[end].strip() and end + 1 < len(lines) and lines[end + 1].startswith(">"):
            end += 1
        else:
            break
    return end


def split_body(body: str) -> list[Block]:
    """Split a body into text, quote, diff and signature blocks, in order."""
    lines = body.rstrip().split("\n") if body.strip() else []
    signature = _signature_start(lines)
    blocks: list[Block] = []
    text: list[str] = []
    index = 0
    while index < signature:
        if lines[index].startswith(">"):
            kind, end = "quote", _quote_end(lines, index)
        elif _is_diff_start(lines, index):
            kind, end = "diff", _diff_end(lines, index)
        else:
            text.append(lines[index])
            index += 1
            continue
        end = min(end, signature)
        if text:
            blocks.append(Block("text", tuple(text)))
            text = []
        blocks.append(Block(kind, tuple(lines[index:end])))
        index = end
    if text:
        blocks.append(Block("text", tuple(text)))
    if signature < len(lines):
        blocks.append(Block("signature", tuple(lines[signature:])))
    return blocks


def _plain(text: str, show_addresses: bool) -> str:
    """Return text escaped for HTML, with addresses obfuscated unless shown."""
    return str(escape(text if show_addresses else obfuscate_text(text)))


def linkify(text: str, *, show_addresses: bool) -> Markup:
    """Return text as HTML with its http, https and ftp URLs made into links."""
    matches = URL_MATCHER.match(text) if "://" in text else None
    if not matches:
        return Markup(_plain(text, show_addresses))
    pieces: list[str] = []
    done = 0
    for match in matches:
        if not match.url.lower().startswith(LINK_SCHEMES):
            continue
        pieces.append(_plain(text[done : match.index], show_addresses))
        pieces.append(f'<a href="{escape(match.url)}" rel="{LINK_REL}">{escape(match.text)}</a>')
        done = match.last_index
    pieces.append(_plain(text[done:], show_addresses))
    return Markup("".join(pieces))


def _diff_lines(lines: tuple[str, ...], show_addresses: bool) -> Iterator[str]:
    """Yield a diff's lines as HTML, marking additions, removals, hunks and file headers."""
    # Escaping keeps newlines and never creates a leading +, - or @, so the whole diff is escaped at once.
    for html in _plain("\n".join(lines), show_addresses).split("\n"):
        if html.startswith(("+++ ", "--- ", "diff ", "index ", "Index: ")):
            yield f'<span class="meta">{html}</span>'
        elif html.startswith("@@"):
            yield f'<span class="hunk">{html}</span>'
        elif html.startswith("+"):
            yield f"<ins>{html}</ins>"
        elif html.startswith("-"):
            yield f"<del>{html}</del>"
        else:
            yield html


def _text_html(lines: tuple[str, ...], show_addresses: bool) -> str:
    """Return text lines as HTML with their URLs linked (lines without a URL are escaped in one go)."""
    text = "\n".join(lines)
    if "://" not in text:
        return _plain(text, show_addresses)
    return "\n".join(linkify(line, show_addresses=show_addresses) for line in lines)


def render_block(block: Block, *, show_addresses: bool) -> Markup:
    """Return one block as HTML: quotes in a <details> toggle, signatures dimmed."""
    if block.kind == "diff":
        return Markup('<pre class="diff">' + "\n".join(_diff_lines(block.lines, show_addresses)) + "</pre>")
    inner = _text_html(block.lines, show_addresses)
    if block.kind == "quote":
        count = len(block.lines)
        opened = " open" if count <= OPEN_QUOTE_LINES else ""
        label = f"{count} quoted line{'s' if count != 1 else ''}"
        return Markup(f'<details class="quote"{opened}><summary>{label}</summary>'
                      f'<pre class="quote">{inner}</pre></details>')
    if block.kind == "signature":
        return Markup(f'<pre class="signature">{inner}</pre>')
    return Markup(f'<pre class="text">{inner}</pre>')


def render_body(body: str, *, show_addresses: bool) -> Markup:
    """Return a whole body as safe HTML blocks."""
    return Markup("\n".join(render_block(block, show_addresses=show_addresses) for block in split_body(body)))


def anchor(message_id: str, version: int = 1) -> str:
    """Return a stable HTML id for a message on a thread page, whatever its Message-ID holds."""
    digest = hashlib.sha1(message_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"m-{digest}" if version == 1 else f"m-{digest}-{version}"


def render_log_text(text: str, *, show_addresses: bool) -> Markup:
    """Return a meeting log line's text as HTML: a leading #command emphasised, URLs linked."""
    command = _LOG_COMMAND.match(text)
    if command is None:
        return linkify(text, show_addresses=show_addresses)
    rest = linkify(text[command.end():], show_addresses=show_addresses)
    return Markup(f'<strong class="cmd">{escape(command.group())}</strong>') + rest


def nick_colour(nick: str) -> int:
    """Return which of eight colours a nick is shown in: the same on every page and every day."""
    return zlib.crc32(nick.encode("utf-8")) % 8
