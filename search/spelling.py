"""Did you mean: the closest known word for each searched word that matched nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from whoosh.support.levenshtein import distance

# Suggestions come from this field: the unstemmed words of every title.
SPELL_FIELD = "spell"
MIN_LENGTH = 3
# A word found in some titles is still corrected when a close one is in this many times more.
RARE_RATIO = 10
_WORD_BOUNDARY = r"(?<![\w.@/-]){}(?![\w.@/-])"


def suggest(searcher: Any, q: str, unknown: Sequence[str], rare: Sequence[str] = ()) -> str | None:
    """Return q with misspelt words replaced by the closest known ones, or None if none is close.

    unknown words are in no document; rare ones are checked too (when nothing matched): they
    are replaced only by a word found in many more titles.
    """
    corrected = q
    reader = searcher.reader()
    for word in dict.fromkeys([*unknown, *rare]):
        plain = word.lower()
        if not plain.isalpha() or len(plain) < MIN_LENGTH:
            continue
        best = closest_word(searcher, plain)
        if best is None:
            continue
        if word in unknown or reader.doc_frequency(SPELL_FIELD, best) >= RARE_RATIO * (
                reader.doc_frequency(SPELL_FIELD, plain) + 1):
            corrected = replace_word(corrected, word, best)
    return corrected if corrected != q else None


def closest_word(searcher: Any, word: str) -> str | None:
    """Return the known word nearest to word (fewest edits, then most frequent), if within two edits."""
    reader = searcher.reader()
    for limit in (1, 2):
        found: set[str] = set()
        for leaf, _offset in reader.leaf_readers():
            found.update(leaf.terms_within(SPELL_FIELD, word, limit, prefix=1))
        found.discard(word)
        if found:
            return min(found, key=lambda w: (distance(w, word), -reader.doc_frequency(SPELL_FIELD, w), w))
    return None


def replace_word(q: str, word: str, replacement: str) -> str:
    """Return q with the first whole occurrence of word (in any case) replaced."""
    pattern = re.compile(_WORD_BOUNDARY.format(re.escape(word)), re.I)
    return pattern.sub(lambda _match: replacement, q, count=1)
