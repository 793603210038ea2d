"""Run a search: parse, match, filter, rank, group by thread, page, facet, highlight, suggest."""

from __future__ import annotations

import heapq
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from archive.errors import SearchError
from search import searchers
from search.highlight import query_terms, snippet
from search.indexer import WHOOSH_ERRORS
from search.language import And, Clause, ParsedQuery, parse_query, plain_words
from search.matching import Evaluation, Evaluator, Scores
from search.searchers import IndexView
from search.results import Facet, FacetCount, SearchHit, SearchResults
from search.spelling import suggest

SORTS = ("relevance", "date", "-date")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 50
TIME_LIMIT = 2.0  # seconds a search may take before it returns what it has found
# When fewer items than this have every word of a query of three words or more, items
# missing one word are shown too (after those with all of them).
RELAX_BELOW = 5

# index keys -> the texts snippets are cut from (message bodies, read from the store by the caller)
Texts = Callable[[Sequence[str]], Mapping[str, str]]


def search(
    index_dir: Path,
    q: str,
    *,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    lists: Iterable[str] | None = None,
    texts: Texts | None = None,
    now: datetime | None = None,
    time_limit: float = TIME_LIMIT,
    hidden: tuple[Iterable[str], Iterable[str]] = ((), ()),
) -> SearchResults:
    """Search the index; a bad query never raises: it gives best-effort results and warnings.

    lists, when given, are the only lists whose items may appear; hidden is (lists, series) whose
    items never appear, nor count in the facets (private ones the reader may not see).
    Raises SearchError only when the index itself is missing or unreadable.
    """
    started = time.monotonic()
    warnings: list[str] = []
    sort, page, page_size = _checked_paging(sort, page, page_size, warnings)
    today = (now or datetime.now(timezone.utc)).date()
    parsed = parse_query(q, today=today)
    warnings.extend(parsed.warnings)
    empty = SearchResults(query=q, understood=parsed.understood, hits=(), matches=0, threads=0,
                          page=page, page_size=page_size, pages=0, sort=sort)
    if parsed.node is None:
        if q.strip():
            warnings.append("nothing searchable was left in the query")
        return replace(empty, warnings=tuple(warnings))
    with searchers.checked_out(index_dir) as (searcher, view):
        try:
            evaluator = Evaluator(view, searcher, started + time_limit)
            scores = evaluator.evaluate(parsed.node)
            warnings.extend(_evaluation_warnings(evaluator.noticed, time_limit, scores is None))
            if scores is None:
                return replace(empty, warnings=tuple(warnings))
            scope = (lists, hidden)
            scores = _filtered(scores, parsed, view, searcher, scope)
            if len(scores) < RELAX_BELOW:
                scores = _relaxed(evaluator, parsed, scores, view, searcher, scope, warnings)
            groups, scores = _page_groups(scores, view, sort, today, page * page_size)
            hits = _hits(searcher, view, groups[(page - 1) * page_size :], scores, parsed, texts)
            rare = plain_words(parsed.node) if not scores else []
            unknown = evaluator.noticed.unknown
            suggestion = suggest(searcher, q, unknown, rare) if unknown or rare else None
            facets = _facets(searcher, view, scores)
        except WHOOSH_ERRORS as error:
            raise SearchError(f"the search index could not be read: {error}") from error
    threads = _thread_count(scores, view)
    return replace(
        empty, hits=tuple(hits), matches=len(scores), threads=threads,
        pages=min(MAX_PAGE, -(-threads // page_size)), facets=facets, suggestion=suggestion,
        warnings=tuple(warnings), complete=not evaluator.noticed.timed_out,
        seconds=time.monotonic() - started,
    )


def _checked_paging(sort: str, page: int, page_size: int, warnings: list[str]) -> tuple[str, int, int]:
    """Return sort, page and page size within their allowed values."""
    if sort not in SORTS:
        warnings.append(f'unknown sort "{sort}"; sorted by relevance')
        sort = "relevance"
    if page > MAX_PAGE:
        warnings.append(f"only the first {MAX_PAGE} pages can be shown; add words to narrow the search")
    return sort, min(max(1, page), MAX_PAGE), min(max(1, page_size), MAX_PAGE_SIZE)


def _evaluation_warnings(noticed: Evaluation, time_limit: float, nothing_left: bool) -> list[str]:
    """Explain what matching left out."""
    warnings = []
    if nothing_left and noticed.ignored:
        words = ", ".join(f'"{w}"' for w in dict.fromkeys(noticed.ignored))
        warnings.append(f"{words}: too common to search for")
    for pattern in noticed.expansions_cut:
        warnings.append(f'"{pattern}" stands for too many words; only the first ones were searched')
    if noticed.timed_out:
        warnings.append(f"the search took longer than {time_limit:g} s; the results may be incomplete")
    return warnings


def _relaxed(evaluator: Evaluator, parsed: ParsedQuery, scores: Scores, view: IndexView, searcher: Any,
             scope: Scope, warnings: list[str]) -> Scores:
    """Return the items that have all but one of the plain words, if there are more of them."""
    node = parsed.node
    if not isinstance(node, And):
        return scores
    words = [n for n in node.nodes if isinstance(n, Clause) and n.fields is None and not n.phrase]
    if len(words) < 3:
        return scores
    others = [n for n in node.nodes if n not in words]
    within = None
    if others:
        required = evaluator.evaluate(And(tuple(others)))
        within = set(required) if required is not None else None
    relaxed = _filtered(evaluator.at_least(words, len(words) - 1, within), parsed, view, searcher, scope)
    if len(relaxed) <= len(scores):
        return scores
    warnings.append("few items have all the words; items missing one of them are shown after those")
    return relaxed


# (the only lists that may appear, or None for all; (lists, series) that may not)
Scope = tuple[Iterable[str] | None, tuple[Iterable[str], Iterable[str]]]


def _filtered(scores: Scores, parsed: ParsedQuery, view: IndexView, searcher: Any, scope: Scope) -> Scores:
    """Keep the documents within every date range, in a visible list, not hidden, and not deleted."""
    lists, (hidden_lists, hidden_series) = scope
    allowed: set[int] | None = None
    excluded: set[int] = set()
    for name in hidden_lists:
        excluded |= view.docset(searcher, "list", name.lower())
    for name in hidden_series:
        excluded |= view.docset(searcher, "series", name.lower())
    for found in parsed.dates:
        low = _seconds(found.start) if found.start else 1
        high = _seconds(found.end + timedelta(days=1)) if found.end else 2**62
        dated = view.dated(low, high)
        if found.excluded:
            excluded |= dated
        else:
            allowed = dated if allowed is None else allowed & dated
    if lists is not None:
        visible: set[int] = set()
        for name in lists:
            visible |= view.docset(searcher, "list", name.lower())
        allowed = visible if allowed is None else allowed & visible
    if allowed is not None:
        scores = {d: s for d, s in scores.items() if d in allowed}
    excluded |= view.deleted
    if excluded:
        scores = {d: s for d, s in scores.items() if d not in excluded}
    return scores


def _seconds(day: date) -> int:
    """Return the UTC timestamp of a day's midnight."""
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())


def _page_groups(scores: Scores, view: IndexView, sort: str, today: date, needed: int
                 ) -> tuple[list[int], Scores]:
    """Return the best document of each of the first `needed` threads in order, and final scores."""
    wanted = max(needed * 5, 200)
    while True:
        ordered, final = _ordered(scores, view, sort, today, wanted)
        groups, filled = _grouped(ordered, view, needed)
        if filled or len(ordered) >= len(final):
            return groups, final
        wanted *= 4  # many matches share threads: look deeper


def _ordered(scores: Scores, view: IndexView, sort: str, today: date, wanted: int
             ) -> tuple[list[int], Scores]:
    """Return at least the `wanted` first documents in order, and the final scores.

    Relevance favours recent items slightly; items matched only by filters (score 0) are then
    ordered by recency alone.
    """
    dates = view.dates
    if sort != "relevance":
        undated = 2**62 if sort == "date" else 0  # undated items last either way
        return sorted(scores, key=lambda d: dates[d] or undated, reverse=sort == "-date"), scores
    factors = view.recency(_seconds(today))
    final = {d: (s or 0.001) * factors[d] for d, s in scores.items()}
    top = heapq.nlargest(wanted, final, key=final.__getitem__) if len(final) > wanted * 2 else list(final)
    top.sort(key=lambda d: (-final[d], -dates[d]))
    return top, final


def _grouped(ordered: list[int], view: IndexView, needed: int) -> tuple[list[int], bool]:
    """Return the first document of each thread in order (up to needed), and whether needed were found."""
    threads = view.threads
    best: list[int] = []
    seen: set[str] = set()
    for doc in ordered:
        group = threads[doc] or f"#{doc}"
        if group not in seen:
            seen.add(group)
            best.append(doc)
            if len(best) >= needed:
                return best, True
    return best, False


def _thread_count(scores: Scores, view: IndexView) -> int:
    """Return how many threads the matching documents belong to (each unthreaded one its own)."""
    threads = set(map(view.threads.__getitem__, scores))
    if "" not in threads:
        return len(threads)
    return len(threads) - 1 + sum(1 for d in scores if not view.threads[d])


def _thread_matches(doc: int, scores: Scores, view: IndexView) -> int:
    """Return how many matching documents share doc's thread."""
    thread = view.threads[doc]
    return sum(1 for d in view.thread_docs(thread) if d in scores) if thread else 1


def _hits(searcher: Any, view: IndexView, docs: list[int], scores: Scores,
          parsed: ParsedQuery, texts: Texts | None) -> list[SearchHit]:
    """Build the hits of one page, with snippets cut from the texts the caller provides."""
    stored = [searcher.stored_fields(doc) for doc in docs]
    keys = [fields.get("key", "") for fields in stored]
    bodies = texts(keys) if texts is not None and keys else {}
    terms = query_terms(parsed.node)
    hits = []
    for doc, fields, key in zip(docs, stored, keys):
        text, seconds = bodies.get(key), view.dates[doc]
        hits.append(SearchHit(
            key=key, kind=fields.get("kind", ""), id=fields.get("id", ""),
            thread_id=fields.get("thread_id") or None, title=fields.get("title", ""),
            sender=fields.get("sender", ""), lists=tuple((fields.get("list") or "").split()),
            date=datetime.fromtimestamp(seconds, timezone.utc) if seconds else None,
            snippet=snippet(text, terms) if text else "",
            score=round(scores[doc], 4), matches=_thread_matches(doc, scores, view),
        ))
    return hits


def _facets(searcher: Any, view: IndexView, scores: Scores) -> tuple[Facet, ...]:
    """Count the matching items per list (most first), year (newest first) and kind (most first)."""
    lists = []
    for value in searcher.reader().lexicon("list"):
        name = value.decode("utf-8") if isinstance(value, bytes) else str(value)
        count = len(view.docset(searcher, "list", name).intersection(scores))
        if count:
            lists.append(FacetCount(name, count))
    facets = [Facet("list", tuple(sorted(lists, key=lambda c: (-c.count, c.value))))]
    for name in ("year", "kind"):
        counts = Counter(map(view.values[name].__getitem__, scores))
        counts.pop("", None)
        if name == "year":
            order = sorted(counts.items(), reverse=True)
        else:
            order = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        facets.append(Facet(name, tuple(FacetCount(value, count) for value, count in order)))
    return tuple(facets)
