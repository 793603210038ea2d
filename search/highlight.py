"""Snippets: the part of a text where the query's words are, escaped, with the words marked."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from search.documents import split_body
from search.language import And, Clause, Node, Not, Or
from search.schema import WORD, word_terms

SNIPPET_CHARS = 240
# Only this much of a long text is scanned for the words.
SCAN_CHARS = 50_000
_SPACE = re.compile(r"\s+")


def query_terms(node: Node | None) -> frozenset[str]:
    """Return the index terms (stemmed and plain) of the words the query looks for."""
    terms: set[str] = set()
    for clause in _positive_clauses(node):
        if clause.fields is not None and not set(clause.fields) & {"title", "body", "diff", "quoted"}:
            continue
        for word in WORD.findall(clause.text.lower().replace("*", "").replace("?", "")):
            for stemming in (True, False):
                lead, parts = word_terms(word, stemming=stemming)
                terms.update(lead[:1] or parts)
    return frozenset(terms)


def _positive_clauses(node: Node | None) -> Iterable[Clause]:
    """Yield the clauses a result is found by (not those under NOT)."""
    if isinstance(node, Clause):
        yield node
    elif isinstance(node, (And, Or)):
        for child in node.nodes:
            yield from _positive_clauses(child)
    elif isinstance(node, Not) or node is None:
        return


def snippet(text: str, terms: frozenset[str], *, width: int = SNIPPET_CHARS) -> str:
    """Return HTML: the window of text (author's words first) richest in terms, terms in <mark>."""
    parts = split_body(text)
    fallback = parts.author or parts.quoted or text
    for candidate in (parts.author, parts.quoted, parts.diff):
        spans = _matches(candidate[:SCAN_CHARS], terms) if terms else []
        if spans:
            return _render(candidate, spans, width)
    return html.escape(_squeeze(fallback[:width * 2])[:width])


def _matches(text: str, terms: frozenset[str]) -> list[tuple[int, int, str]]:
    """Return (start, end, term) of the words of text that stand for one of terms."""
    starts = sorted({t[:4] for t in terms if t}, key=len, reverse=True)
    if not starts:
        return []
    # A cheap scan for words that could match, then the analyzer decides.
    candidates = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in starts) + ")", re.I)
    found: list[tuple[int, int, str]] = []
    last_end = -1
    for hit in candidates.finditer(text):
        if hit.start() < last_end:
            continue
        word = WORD.match(text, hit.start())
        if word is None:
            continue
        last_end = word.end()
        term = _matching_term(word.group().lower(), terms)
        if term:
            found.append((word.start(), word.end(), term))
    return found


def _matching_term(word: str, terms: frozenset[str]) -> str | None:
    """Return which of terms word stands for, if any."""
    for stemming in (True, False):
        lead, parts = word_terms(word, stemming=stemming)
        for term in (*lead, *parts):
            if term in terms:
                return term
    return None


def _render(text: str, spans: list[tuple[int, int, str]], width: int) -> str:
    """Return the escaped window around the best run of matches, matches marked."""
    best, best_count = 0, 0
    for i, (start, _end, _term) in enumerate(spans):
        distinct = {term for s, _e, term in spans[i:] if s < start + width}
        if len(distinct) > best_count:
            best, best_count = i, len(distinct)
    start = max(0, spans[best][0] - width // 4)
    start = _word_boundary(text, start)
    end = min(len(text), start + width)
    pieces: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for s, e, _term in spans:
        if s < start or e > end:
            continue
        pieces.append(html.escape(_squeeze(text[cursor:s])))
        pieces.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(html.escape(_squeeze(text[cursor:end])))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces).strip()


def _word_boundary(text: str, start: int) -> int:
    """Move start forward to the beginning of a word (unless it is the text's start)."""
    if start == 0:
        return 0
    space = text.find(" ", start, start + 30)
    newline = text.find("\n", start, start + 30)
    found = [p for p in (space, newline) if p != -1]
    return min(found) + 1 if found else start


def _squeeze(text: str) -> str:
    """Collapse runs of white space (line breaks included) to one space."""
    return _SPACE.sub(" ", text)
