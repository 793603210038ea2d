"""Evaluate a parsed query on one index generation: postings in bulk, BM25F, set algebra.

A query node evaluates to a dict {document number: score}. Words are scored with BM25F from
whole posting lists; phrases are checked by Whoosh's own phrase matcher on the few documents
holding all their words; AND, OR and NOT are dict and set operations.
"""

from __future__ import annotations

import fnmatch
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from search.language import And, Clause, Everything, Node, Not, Or
from search.postings import global_postings
from search.searchers import IndexView
from search.schema import (PART, BM25_B, BM25_K1, DEFAULT_FIELDS, FIELD_BOOSTS, MAX_PART,
                           SUBWORD_SEARCH_BELOW, WORD, analyzer_for, word_terms)

Scores = dict[int, float]
# Fields whose words have positions (phrases are only looked for there).
POSITIONAL = frozenset({"title", "body", "from", "to", "cc"})
# A wildcard is expanded to at most this many words per field.
MAX_EXPANSIONS = 200


@dataclass
class Evaluation:
    """What evaluating a query noticed: words that matched nothing, words too common, time out."""

    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    expansions_cut: list[str] = field(default_factory=list)
    timed_out: bool = False


class Evaluator:
    """Evaluate query nodes against one searcher within a time budget."""

    def __init__(self, view: IndexView, searcher: Any, deadline: float) -> None:
        self.view = view
        self.searcher = searcher
        self.deadline = deadline
        self.noticed = Evaluation()

    def evaluate(self, node: Node, within: set[int] | None = None) -> Scores | None:
        """Return {doc: score} for node (None: no constraint, e.g. only stop words)."""
        if time.monotonic() > self.deadline:
            self.noticed.timed_out = True
            return {}
        if isinstance(node, Clause):
            return self._clause(node, within)
        if isinstance(node, Everything):
            return dict.fromkeys(within if within is not None else self.view.alive(), 0.0)
        if isinstance(node, Not):
            return self._complement(node.node, within)
        if isinstance(node, And):
            return self._and(node.nodes, within)
        return self._or(node.nodes, within)

    def _and(self, nodes: Sequence[Node], within: set[int] | None) -> Scores | None:
        """Intersect the positive children, rarest first, then remove what the negated ones match."""
        positive = sorted((n for n in nodes if not isinstance(n, Not)), key=self._cost)
        negated = [n.node for n in nodes if isinstance(n, Not)]
        result: Scores | None = None
        for child in positive:
            scores = self.evaluate(child, within)
            if scores is None:
                continue  # only stop words: no constraint
            result = scores if result is None else {d: s + result[d] for d, s in scores.items() if d in result}
            within = set(result)
        if result is None and not negated:
            return None
        return self._without(result, negated, within)

    def _complement(self, node: Node, within: set[int] | None) -> Scores:
        """Return the documents (within) that do not match node."""
        return self._without(None, [node], within)

    def _without(self, result: Scores | None, negated: list[Node], within: set[int] | None) -> Scores:
        """Return result (or every document within) minus the documents matching any of negated."""
        if result is None:
            result = dict.fromkeys(within if within is not None else self.view.alive(), 0.0)
        for node in negated:
            excluded = self.evaluate(node, set(result))
            if excluded:
                result = {d: s for d, s in result.items() if d not in excluded}
        return result

    def _or(self, nodes: Iterable[Node], within: set[int] | None) -> Scores | None:
        """Unite children, adding the scores of documents that match several."""
        result: Scores | None = None
        for node in nodes:
            scores = self.evaluate(node, within)
            if scores is None:
                continue
            result = scores if result is None else _add(result, scores)
        return result

    def at_least(self, nodes: Sequence[Node], needed: int, within: set[int] | None = None) -> Scores:
        """Return the documents matching at least `needed` of nodes, fewer matches scoring lower."""
        results = [r for r in (self.evaluate(node, within) for node in nodes) if r is not None]
        counts: dict[int, int] = {}
        total: Scores = {}
        for scores in results:
            for doc, score in scores.items():
                counts[doc] = counts.get(doc, 0) + 1
                total[doc] = total.get(doc, 0.0) + score
        size = max(len(results), 1)
        return {d: total[d] * (counts[d] / size) ** 2 for d, n in counts.items() if n >= needed}

    def _cost(self, node: Node) -> int:
        """Estimate how many documents node touches, to intersect the rare ones first."""
        if not isinstance(node, Clause) or node.phrase or "*" in node.text or "?" in node.text:
            return self.view.size * 4
        reader = self.searcher.reader()
        total = 0
        for name in node.fields or DEFAULT_FIELDS:
            terms = _word_terms_for(name, node.text)
            if terms:
                total += reader.doc_frequency(name, terms[0])
        return total

    def _clause(self, clause: Clause, within: set[int] | None) -> Scores | None:
        """Evaluate a word, phrase or wildcard over its fields (or the default ones)."""
        result: Scores | None = None
        for name in clause.fields or DEFAULT_FIELDS:
            scores = self._field_clause(name, clause, within)
            if scores is not None:
                result = scores if result is None else _add(result, scores)
        if result is None:
            self.noticed.ignored.append(clause.text)
        elif not result and clause.fields is None and not clause.phrase and self._cost(clause) == 0:
            self.noticed.unknown.append(clause.text)  # in no document at all, not just in none left
        return result

    def _field_clause(self, name: str, clause: Clause, within: set[int] | None) -> Scores | None:
        """Evaluate a clause in one field (None when the field gives it no terms)."""
        boost = FIELD_BOOSTS.get(name, 0.0)
        if name not in FIELD_BOOSTS:  # keyword fields: exact values, no score
            return self._keyword(name, clause.text, within)
        if "*" in clause.text or "?" in clause.text:
            return self._wildcard(name, clause.text.lower(), boost, within)
        words = WORD.findall(clause.text.lower())
        if not words:
            return None
        if clause.phrase or len(words) > 1:
            return self._phrase(name, _phrase_terms(name, words), boost, within) if name in POSITIONAL else {}
        lead, parts = word_terms(words[0], stemming=analyzer_for(name).stemming)
        if not lead:
            return self._term(name, parts[0], boost, within) if parts else None
        scores = self._term(name, lead[0], boost, within)
        if name in POSITIONAL and len(scores) < SUBWORD_SEARCH_BELOW and _all_parts_kept(lead[0], parts):
            # A rare compound is also found inside longer ones: its parts, side by side.
            scores = _add(scores, self._phrase(name, list(parts), boost, within, skip=set(scores)))
        return scores

    def _keyword(self, name: str, text: str, within: set[int] | None) -> Scores:
        """Match an exact value of a keyword field (list, kind, id, ...)."""
        exact = name in ("id", "links")
        value = text if exact else text.lower()
        if value.endswith("*") and not exact:
            docs: set[int] = set()
            for term in self._expand(name, value[:-1], limit=MAX_EXPANSIONS):
                docs |= self.view.docset(self.searcher, name, term)
        else:
            docs = set(self.view.docset(self.searcher, name, value))
        if within is not None:
            docs &= within
        return dict.fromkeys(docs, 0.0)

    def _term(self, name: str, term: str, boost: float, within: set[int] | None) -> Scores:
        """Return the BM25 score of a term in a field for every document holding it."""
        ids, weights = global_postings(self.searcher, name, term)
        if not ids:
            return {}
        size = max(self.view.size, 1)
        idf = math.log(1 + (size - len(ids) + 0.5) / (len(ids) + 0.5))
        lengths, average = self.view.lengths(self.searcher, name)
        b = BM25_B.get(name, 0.75)
        base, per_token = BM25_K1 * (1 - b), BM25_K1 * b / average
        top = boost * idf * (BM25_K1 + 1)
        if within is not None:
            frequencies = dict(zip(ids, weights))
            pairs: Iterable[tuple[int, float]] = ((d, frequencies[d]) for d in within.intersection(frequencies))
        else:
            pairs = zip(ids, weights)
        return {d: top * tf / (tf + base + per_token * lengths[d]) for d, tf in pairs}

    def _phrase(self, name: str, terms: list[str], boost: float, within: set[int] | None,
                skip: set[int] | None = None) -> Scores:
        """Score documents holding terms side by side: word scores, checked by Whoosh's matcher."""
        if not terms:
            return {}
        scores: Scores | None = None
        for term in terms:
            term_scores = self._term(name, term, boost, within)
            scores = term_scores if scores is None else {
                d: s + scores[d] for d, s in term_scores.items() if d in scores}
            within = set(scores)
            if not scores:
                return {}
        assert scores is not None
        candidates = set(scores) - (skip or set())
        if len(terms) == 1 or not candidates:
            return scores if len(terms) == 1 else {}
        found = self._phrase_docs(wq.Phrase(name, terms), candidates)
        return {d: scores[d] for d in found}

    def _phrase_docs(self, phrase: wq.Query, candidates: set[int]) -> set[int]:
        """Return the candidates where Whoosh's phrase matcher finds the phrase, in the time left."""
        found: set[int] = set()
        ordered = sorted(candidates)
        for leaf, offset in self.searcher.leaf_searchers():
            matcher = phrase.matcher(leaf)
            end = offset + leaf.doc_count_all()
            for i, doc in enumerate(d for d in ordered if offset <= d < end):
                if i % 256 == 0 and time.monotonic() > self.deadline:
                    self.noticed.timed_out = True
                    return found
                if not matcher.is_active():
                    break
                matcher.skip_to(doc - offset)  # only the candidates are checked
                if matcher.is_active() and matcher.id() == doc - offset:
                    found.add(doc)
        return found

    def _wildcard(self, name: str, pattern: str, boost: float, within: set[int] | None) -> Scores:
        """Score the words a wildcard stands for (at most MAX_EXPANSIONS of them)."""
        cut = min(i for i in (pattern.find("*"), pattern.find("?")) if i >= 0)
        literal = pattern[:cut]
        terms = [t for t in self._expand(name, literal, limit=MAX_EXPANSIONS * 20)
                 if fnmatch.fnmatchcase(t, pattern)]
        if len(terms) > MAX_EXPANSIONS:
            self.noticed.expansions_cut.append(pattern)
            terms = terms[:MAX_EXPANSIONS]
        result: Scores = {}
        for term in terms:
            result = _add(result, self._term(name, term, boost, within))
        return result

    def _expand(self, name: str, prefix: str, *, limit: int) -> list[str]:
        """Return up to limit distinct words of a field starting with prefix."""
        words: dict[str, None] = {}
        for leaf, _offset in self.searcher.reader().leaf_readers():
            for word in leaf.expand_prefix(name, prefix):
                words[word.decode("utf-8") if isinstance(word, bytes) else word] = None
                if len(words) >= limit:
                    return list(words)
        return list(words)


def _add(first: Scores, second: Scores) -> Scores:
    """Return the union of two score dicts, adding scores of documents in both."""
    if len(first) < len(second):
        first, second = second, first
    result = dict(first)
    for doc, score in second.items():
        result[doc] = result.get(doc, 0.0) + score
    return result


def _all_parts_kept(whole: str, parts: tuple[str, ...]) -> bool:
    """Return True if a compound has several parts and none was dropped (a one-letter `h`, a stop word).

    Only then does finding its parts side by side mean finding it inside a longer compound.
    """
    return len(parts) > 1 and len(parts) == len(PART.findall(whole))


def _word_terms_for(name: str, text: str) -> list[str]:
    """Return the main index terms a single word stands for in a field."""
    words = WORD.findall(text.lower())
    if len(words) != 1:
        return []
    lead, parts = word_terms(words[0], stemming=analyzer_for(name).stemming)
    return list(lead[:1] or parts[:1])


def _phrase_terms(name: str, words: list[str]) -> list[str]:
    """Return a phrase's terms in order: the parts of compounds, a whole compound with none."""
    terms: list[str] = []
    stemming = analyzer_for(name).stemming
    for word in words:
        lead, parts = word_terms(word, stemming=stemming)
        terms.extend(parts if parts else lead[:1])
    return [t for t in terms if len(t) <= MAX_PART * 3]
