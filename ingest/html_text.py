"""Turn HTML mail into plain text: paragraphs, line breaks and link targets, never markup."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

from bs4 import (BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, PageElement, Tag,
                 XMLParsedAsHTMLWarning)

_DROPPED = frozenset({"script", "style", "head", "title", "noscript", "template", "object",
                      "iframe", "svg", "math"})
_PARAGRAPHS = frozenset({"p", "blockquote", "pre", "table", "ul", "ol", "dl", "h1", "h2", "h3",
                         "h4", "h5", "h6", "hr"})
_LINES = frozenset({"div", "li", "tr", "dd", "dt", "section", "article", "header", "footer",
                    "address", "center", "form", "fieldset"})
# Private-use characters mark breaks while the tree is flattened: real text cannot hold them.
_BREAK, _BLOCK, _PARAGRAPH, _PRE_SPACE = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKERS = re.compile("[\ue000-\ue003]")
_MARKER_RUN = re.compile("[ \ue000-\ue002]*[\ue000-\ue002][ \ue000-\ue002]*")
_INLINE_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def _soup(html: str) -> BeautifulSoup:
    """Parse HTML with the standard library's parser, quietly."""
    with warnings.catch_warnings():
        # A short part that looks like a URL or file name, or XHTML, is still mail text.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, "html.parser")


def _link_suffix(link: Tag, text: str) -> str:
    """Return ' <url>' to show after a link's text, or "" when the text says it already."""
    href = link.get("href")
    href = href.strip() if isinstance(href, str) else ""
    shown = text.strip()
    if not href or href.startswith(("#", "javascript:")) or href in (shown, f"mailto:{shown}"):
        return ""
    return f" <{href}>" if shown else f"<{href}>"


def _end(tag: Tag, out: list[str], start: int) -> None:
    """Write what closing a tag adds: a break marker, or a link's target."""
    if tag.name in _PARAGRAPHS:
        out.append(_PARAGRAPH)
    elif tag.name in _LINES:
        out.append(_BLOCK)
    elif tag.name == "a":
        # A link's own text is a few pieces; only that short case can repeat its target.
        text = _MARKERS.sub("", "".join(out[start:])) if len(out) - start <= 8 else "\n"
        out.append(_link_suffix(tag, " ".join(text.split()) or text))


def _flatten(soup: BeautifulSoup) -> str:
    """Walk the tree once, without recursion, writing text and break markers."""
    out: list[str] = []
    stack: list[tuple[Tag, Iterator[PageElement], int]] = [(soup, iter(soup.contents), 0)]
    in_pre = 0
    while stack:
        tag, children, start = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if tag.name == "pre":
                in_pre -= 1
            _end(tag, out, start)
        elif type(child) is NavigableString:  # exactly: comments and doctypes stay hidden
            text = str(child)
            out.append(text.replace(" ", _PRE_SPACE).replace("\n", _BREAK) if in_pre else text)
        elif isinstance(child, Tag) and child.name not in _DROPPED:
            if child.name == "br":
                out.append(_BREAK)
                continue
            if child.name in _PARAGRAPHS or child.name in _LINES:
                out.append(_PARAGRAPH if child.name in _PARAGRAPHS else _BLOCK)
            if child.name == "pre":
                in_pre += 1
            stack.append((child, iter(child.contents), len(out)))
    return "".join(out)


def _newlines(markers: re.Match[str]) -> str:
    """Turn a run of markers into newlines: each <br> counts, blocks do not add up."""
    run = markers.group()
    breaks = run.count(_BREAK)
    least = 2 if _PARAGRAPH in run else 1 if _BLOCK in run else 0
    return "\n" * min(max(breaks, least), 3)  # walls of <br> keep at most two blank lines


def html_to_text(html: str) -> str:
    """Convert HTML mail to plain text, keeping paragraphs, line breaks and link targets."""
    text = _flatten(_soup(_MARKERS.sub("", html)))
    text = _INLINE_SPACE.sub(" ", text).replace("\xa0", " ")
    text = _MARKER_RUN.sub(_newlines, text)
    lines = [line.strip(" ").replace(_PRE_SPACE, " ") for line in text.split("\n")]
    return "\n".join(lines).strip("\n")
