"""What a search returns: frozen, plain data for the web pages and their JSON twins (no Whoosh)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SearchHit:
    """One thread in the results: its best-matching item and how many of its items matched."""

    key: str  # the index key, e.g. "message:<sha256>"
    kind: str  # message, meeting, action, decision or review
    id: str  # the item's public id (a Message-ID for messages)
    thread_id: str | None
    title: str
    sender: str  # display name, or address when there is no name
    lists: tuple[str, ...]
    date: datetime | None
    snippet: str  # HTML-safe: everything escaped except <mark>...</mark> around matched words
    score: float
    matches: int  # matching items in this thread (the hit itself included)


@dataclass(frozen=True)
class FacetCount:
    """How many matching items have one value (a list, a year, a kind)."""

    value: str
    count: int


@dataclass(frozen=True)
class Facet:
    """The counts of one facet, largest first (years newest first)."""

    name: str  # "list", "year" or "kind"
    counts: tuple[FacetCount, ...]


@dataclass(frozen=True)
class SearchResults:
    """One page of grouped results, with what the query was understood to mean."""

    query: str  # as typed
    understood: str  # the normalised query that was run
    hits: tuple[SearchHit, ...]
    matches: int  # matching items
    threads: int  # matching threads (groups)
    page: int
    page_size: int
    pages: int
    sort: str  # "relevance", "date" (oldest first) or "-date" (newest first)
    facets: tuple[Facet, ...] = ()
    suggestion: str | None = None  # "did you mean": the query with unknown words corrected
    warnings: tuple[str, ...] = ()
    complete: bool = True  # False when the time limit cut the search short
    seconds: float = 0.0

    def facet(self, name: str) -> tuple[FacetCount, ...]:
        """Return the counts of one facet (empty when it was not computed)."""
        return next((f.counts for f in self.facets if f.name == name), ())
