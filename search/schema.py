"""The index's fields, its analyzer, and the search tuning (fields, boosts, prefixes) as data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh import columns, fields, formats
from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.lang.porter2 import stem  # whoosh.lang.porter stems "running" to "runn"

# Bump when documents or analysis change: an index of another version must be rebuilt.
SCHEMA_VERSION = 2

# --- Search tuning -------------------------------------------------------------------------

# Query-time weight of a match in each field (BM25F sums them).
FIELD_BOOSTS: dict[str, float] = {
    "title": 4.0,
    "body": 1.0,
    "diff": 0.5,  # identifiers and paths a patch changes: found, but ranked below prose
    "quoted": 0.15,  # mostly a repeat of the message replied to
    "from": 1.0,
    "to": 1.0,
    "cc": 1.0,
}
# Where plain words and "phrases" look.
DEFAULT_FIELDS = ("title", "body", "diff", "quoted")
# Length normalisation per field (0 ignores length); titles are all short.
BM25_B = {"title": 0.5, "body": 0.75, "diff": 0.3, "quoted": 0.3}
BM25_K1 = 1.2
# Recent items are favoured slightly: score * (1 + RECENCY_WEIGHT * 0.5 ** (age / half-life)).
RECENCY_WEIGHT = 0.25
RECENCY_HALF_LIFE_DAYS = 730
# A compound found in fewer documents than this is also looked for inside longer ones
# (`IORING_OP_READV` in `IORING_OP_READV_FIXED`); past it, the exact form is enough.
SUBWORD_SEARCH_BELOW = 200

# What a user types before ":" and the fields it searches (the public-inbox prefixes).
PREFIXES: dict[str, tuple[str, ...]] = {
    "s": ("title",),
    "subject": ("title",),
    "title": ("title",),
    "f": ("from",),
    "from": ("from",),
    "t": ("to",),
    "to": ("to",),
    "c": ("cc",),
    "cc": ("cc",),
    "a": ("from", "to", "cc"),
    "b": ("body", "diff", "quoted"),
    "body": ("body", "diff", "quoted"),
    "q": ("quoted",),
    "l": ("list",),
    "list": ("list",),
    "m": ("id",),
    "id": ("id",),
    "d": ("date",),
    "date": ("date",),
    "kind": ("kind",),
    "nick": ("nick",),
    "series": ("series",),
    "is": ("status",),
    "links": ("links",),
}
KINDS = ("message", "meeting", "action", "decision", "review")
STATUSES = ("open", "done", "dropped")

# --- Analysis ------------------------------------------------------------------------------

# A word: letters, digits and "_", possibly joined by . / @ - + into one token (a path, an
# address, a version, a Message-ID), so people find `fs/io_uring.c` or `v5.10` as they type it.
WORD = re.compile(r"\w+(?:[-./@+]\w+)*")
PART = re.compile(r"[^\W_]+")
MAX_WHOLE = 100  # longer tokens (base64, long URLs) keep only their parts
MAX_PART = 40
MAX_SUFFIXES = 4
_CACHE_LIMIT = 300_000

_Analysed = tuple[tuple[str, ...], tuple[str, ...]]
_caches: dict[bool, dict[str, _Analysed]] = {True: {}, False: {}}


def word_terms(word: str, *, stemming: bool = True) -> _Analysed:
    """Return (lead, parts) for a lowercase word: terms at its first position, then one per position.

    A plain word gives ((), (stem,)); a stop word gives ((), ()); a compound such as
    `fs/io_uring.c` gives its whole form and path suffixes as lead, its parts as parts.
    """
    cache = _caches[stemming]
    found = cache.get(word)
    if found is not None:
        return found
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()  # bounded memory whatever the vocabulary
    result = _analyse(word, stemming)
    cache[word] = result
    return result


def _analyse(word: str, stemming: bool) -> _Analysed:
    """Compute word_terms without the cache."""
    if word.isalnum():
        if word in STOP_WORDS or len(word) < 2 or len(word) > MAX_PART:
            return (), ()
        return (), ((stem(word) if stemming and word.isalpha() else word),)
    whole = word.strip("_")
    local, at, domain = whole.rpartition("@")
    # An address (or Message-ID) is split in its local part only: its domain stays whole.
    address = bool(at) and "@" not in local and "/" not in whole and not domain.isalnum()
    split = local if address else whole
    parts = tuple(
        stem(p) if stemming and p.isalpha() else p
        for p in PART.findall(split)
        if 1 < len(p) <= MAX_PART and p not in STOP_WORDS
    )
    if not whole or whole.isalnum():
        return (), parts  # "__init" is just "init"
    if len(whole) > MAX_WHOLE:
        return (), parts
    tails = (domain,) if address else _path_suffixes(whole)
    return (whole, *tails), parts


def _path_suffixes(whole: str) -> tuple[str, ...]:
    """Return the compound tails after each "/": `fs/io_uring.c` is also `io_uring.c`."""
    tails: list[str] = []
    start = whole.find("/")
    while start != -1 and len(tails) < MAX_SUFFIXES:
        tail = whole[start + 1 :]
        if not tail.isalnum():
            tails.append(tail)
        start = whole.find("/", start + 1)
    return tuple(tails)


def iter_terms(text: str, *, stemming: bool = True) -> Iterator[tuple[str, int]]:
    """Yield (term, position) for text, whole compounds sharing their first part's position."""
    pos = 0
    for word in WORD.findall(text.lower()):
        lead, parts = word_terms(word, stemming=stemming)
        for term in lead:
            yield term, pos
        for term in parts:
            yield term, pos
            pos += 1
        if lead and not parts:
            pos += 1


class IdentifierTokenizer(Tokenizer):
    """Whoosh analyzer over iter_terms: lowercase words, identifiers whole and in parts."""

    def __init__(self, stemming: bool = True) -> None:
        self.stemming = stemming

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdentifierTokenizer) and other.stemming == self.stemming

    def __hash__(self) -> int:
        return hash(self.stemming)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        """Yield one reused Token per term, as Whoosh's own tokenizers do."""
        token = Token(positions, chars, mode=mode)
        token.boost = 1.0
        for term, pos in iter_terms(value, stemming=self.stemming):
            token.text = term
            token.pos = pos
            yield token


STEMMED = IdentifierTokenizer(stemming=True)
PLAIN = IdentifierTokenizer(stemming=False)


def analyzer_for(field: str) -> IdentifierTokenizer:
    """Return the analyzer a text field is indexed (and so queried) with."""
    return STEMMED if field in ("title", "body", "quoted") else PLAIN


def build_schema() -> fields.Schema:
    """Return the index schema shared by every kind of item (message, meeting, action, ...)."""
    keyword = {"lowercase": True, "commas": False}
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),  # "<kind>:<unique id>", what updates replace
        id=fields.ID(stored=True),  # the item's public id (a Message-ID for messages)
        kind=fields.ID(stored=True),
        thread_id=fields.ID(stored=True, sortable=True),
        title=fields.TEXT(analyzer=STEMMED, stored=True),
        body=fields.TEXT(analyzer=STEMMED),
        quoted=fields.TEXT(analyzer=STEMMED, phrase=False),
        diff=fields.TEXT(analyzer=PLAIN, phrase=False),
        sender=fields.STORED(),
        **{"from": fields.TEXT(analyzer=PLAIN), "to": fields.TEXT(analyzer=PLAIN),
           "cc": fields.TEXT(analyzer=PLAIN)},
        list=fields.KEYWORD(stored=True, **keyword),
        date=fields.COLUMN(columns.NumericColumn("q", default=0)),  # UTC seconds; 0 = unknown
        year=fields.ID(),
        nick=fields.KEYWORD(scorable=True, **keyword),
        series=fields.KEYWORD(**keyword),
        status=fields.ID(),
        # The keys of what an item references (archive/links.py), exactly as written: Message-IDs have case.
        links=fields.KEYWORD(lowercase=False, commas=False),
        spell=_SpellField(),
    )


class _SpellField(fields.FieldType):
    """Unstemmed title words, only for "did you mean" suggestions."""

    def __init__(self) -> None:
        super().__init__(formats.Existence(), PLAIN)
