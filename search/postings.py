"""Bulk reads of a Whoosh segment: a term's postings and a column for every document at once.

Whoosh's matchers step through postings one Python call at a time (about 1 µs each), which
made a search for a common word take 300 ms. These helpers read whole posting blocks instead.
They rely on the block layout of the whoosh-reloaded 2.7.5 codec (pinned in setup.cfg) and fall
back to Whoosh's public matcher API for anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, repeat
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

Postings = tuple[Sequence[int], Sequence[float]]
# Field length as Whoosh stores it (one byte, logarithmic) -> approximate token count.
LENGTHS = [byte_to_length(b) for b in range(256)]


def term_postings(reader: Any, field: str, term: str) -> Postings:
    """Return (doc numbers, weights) of term in one segment, deleted documents included."""
    try:
        matcher = reader.postings(field, term)
    except TermNotFound:
        return (), ()
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child  # the deletion filter; callers remove deleted documents
    if isinstance(matcher, W3LeafMatcher):
        return _block_postings(matcher)
    if isinstance(matcher, ListMatcher) and matcher._weights is not None:
        return matcher._ids, matcher._weights
    return _stepped_postings(matcher)


def _block_postings(matcher: W3LeafMatcher) -> Postings:
    """Read a posting list block by block (ids are stored delta-encoded)."""
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        deltas, block_weights = matcher._data[0], matcher._data[1]
        ids.extend(accumulate(deltas))
        if block_weights is None or isinstance(block_weights, float):
            weights.extend(repeat(block_weights or 1.0, len(deltas)))
        else:
            weights.extend(block_weights)
        matcher._next_block()
    return ids, weights


def _stepped_postings(matcher: Any) -> Postings:
    """Read postings through the public matcher API (slow, for other codecs)."""
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def field_lengths(reader: Any, field: str) -> list[int]:
    """Return each document's token count in field for one segment (Whoosh's approximation)."""
    count = reader.doc_count_all()
    cached_reader = getattr(getattr(reader, "_perdoc", None), "_cached_reader", None)
    column = cached_reader(_lenfield(field), LENGTHS_COLUMN) if cached_reader is not None else None
    if column is not None and hasattr(column, "_dbfile"):
        stored = column._dbfile.get(column._basepos, column._count)
        return [LENGTHS[b] for b in stored] + [0] * (count - len(stored))
    return [reader.doc_field_length(docnum, field, 0) or 0 for docnum in range(count)]


def global_postings(searcher: Any, name: str, term: str) -> tuple[list[int], list[float]]:
    """Return (doc numbers, weights) of a term over every segment."""
    ids: list[int] = []
    weights: list[float] = []
    for leaf, offset in searcher.reader().leaf_readers():
        leaf_ids, leaf_weights = term_postings(leaf, name, term)
        ids.extend(map(offset.__add__, leaf_ids) if offset else leaf_ids)
        weights.extend(leaf_weights)
    return ids, weights
