"""The query language: read what a person typed into a tree, never failing (pure, no Whoosh).

Plain words and "phrases", prefixes (s: f: t: c: b: l: d: kind: ...), AND OR NOT, -word,
+word and parentheses. Whatever cannot be understood is dropped with a warning that says so,
and the tree is shown back as the normalised query that was actually run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from search.schema import KINDS, PREFIXES, STATUSES

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 40
MIN_WILDCARD_PREFIX = 3

_OPERATORS = ("AND", "OR", "NOT")
_PREFIX = re.compile(r"([A-Za-z]+):(.*)", re.S)


@dataclass(frozen=True)
class Clause:
    """A word, phrase or wildcard to find in fields (None: the default fields)."""

    text: str
    fields: tuple[str, ...] | None = None
    phrase: bool = False
    prefix: str = ""  # the prefix shown back, e.g. "s"


@dataclass(frozen=True)
class DateRange:
    """Inclusive dates (None: open-ended); an excluded range removes what it covers."""

    start: date | None
    end: date | None
    excluded: bool = False


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Everything:
    """Match every item (`*`, or a query of only dates or negations)."""


Node = Clause | Not | And | Or | Everything


@dataclass(frozen=True)
class ParsedQuery:
    """A query as understood: the tree, the date ranges that filter it, and what was dropped."""

    node: Node | None
    dates: tuple[DateRange, ...] = ()
    warnings: tuple[str, ...] = ()
    understood: str = ""


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "(", ")", "op"
    text: str = ""
    sign: str = ""  # "-", "+" or ""
    prefix: str = ""


@dataclass
class _State:
    tokens: list[_Token]
    today: date
    position: int = 0
    depth: int = 0
    clauses: int = 0
    warnings: list[str] = field(default_factory=list)
    dates: list[DateRange] = field(default_factory=list)

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def parse_query(text: str, *, today: date) -> ParsedQuery:
    """Parse a query as typed; relative dates (`d:last.year..`) count back from today."""
    warnings: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        warnings.append(f"the query was cut to its first {MAX_QUERY_CHARS} characters")
    state = _State(tokenize(text, warnings), today, warnings=warnings)
    node = _parse_or(state)
    while state.peek() is not None:  # only a stray ")" stops the top level early
        state.take()
        state.warn("an unmatched ) was ignored")
        more = _parse_or(state)
        node = _join(And, [n for n in (node, more) if n is not None])
    if node is None and state.dates:
        node = Everything()  # only dates: everything in them
    node = _positive(node)
    return ParsedQuery(node, tuple(state.dates), tuple(state.warnings), understood(node, state.dates))


def tokenize(text: str, warnings: list[str]) -> list[_Token]:
    """Split a query into words, phrases, parentheses and operators, noting unclosed quotes."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end == -1:
                warnings.append('a " was not closed; the phrase runs to the end of the query')
                end = n
            tokens.append(_Token("phrase", text[i + 1 : end]))
            i = end + 1
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] not in '()"':
                end += 1
            tokens.append(_word_token(text[i:end]))
            i = end
    return _attach_prefixes(tokens)


def _word_token(word: str) -> _Token:
    """Classify a bare word: an operator, or a word with its sign and prefix."""
    if word in _OPERATORS:
        return _Token("op", word)
    sign = ""
    if word[0] in "-+" and len(word) > 1:
        sign, word = word[0], word[1:]
    match = _PREFIX.fullmatch(word)
    if match and not match.group(2).startswith("//"):  # "https://..." is a word, not a prefix
        return _Token("word", match.group(2), sign, match.group(1))
    return _Token("word", word, sign)


def _attach_prefixes(tokens: list[_Token]) -> list[_Token]:
    """Give a bare `s:` to the phrase or group after it (and to every word inside that group)."""
    result: list[_Token] = []
    inherited: list[str] = [""]  # the prefix each open group gives its words
    for token in tokens:
        last = result[-1] if result else None
        if last and last.kind == "word" and last.prefix and not last.text and token.kind in ("phrase", "("):
            result.pop()
            token = _Token(token.kind, token.text, last.sign, last.prefix)
        if token.kind == "(":
            inherited.append(token.prefix or inherited[-1])
        elif token.kind == ")" and len(inherited) > 1:
            inherited.pop()
        elif token.kind in ("word", "phrase") and not token.prefix and inherited[-1]:
            token = _Token(token.kind, token.text, token.sign, inherited[-1])
        result.append(token)
    return result


def _parse_or(state: _State) -> Node | None:
    """Parse alternatives separated by OR (which binds looser than AND)."""
    nodes: list[Node] = []
    pending_or = False
    while (token := state.peek()) is not None and token.kind != ")":
        if token.kind == "op" and token.text == "OR":
            state.take()
            if not nodes or pending_or:
                state.warn("an OR without a word before it was ignored")
            pending_or = True
            continue
        node = _parse_and(state)
        if node is not None:
            nodes.append(node)
        pending_or = False
    if pending_or and nodes:
        state.warn("an OR without a word after it was ignored")
    return _join(Or, nodes)


def _parse_and(state: _State) -> Node | None:
    """Parse words joined by AND or by nothing, up to the next OR or )."""
    nodes: list[Node] = []
    while (token := state.peek()) is not None and token.kind != ")":
        if token.kind == "op" and token.text == "OR":
            break
        if token.kind == "op" and token.text == "AND":
            state.take()
            if not nodes:
                state.warn("an AND without a word before it was ignored")
            continue
        node = _parse_unary(state)
        if node is not None:
            nodes.append(node)
    return _join(And, nodes)


def _parse_unary(state: _State) -> Node | None:
    """Parse NOT x, or one word, phrase or group."""
    token = state.take()
    if token.kind == "op":  # NOT (AND and OR are handled by the callers)
        following = state.peek()
        if following is None or following.kind == ")" or following.kind == "op" and following.text != "NOT":
            state.warn("a NOT without a word after it was ignored")
            return None
        inner = _parse_unary(state)
        return _negate(inner)
    if token.kind == "(":
        node = _parse_group(state)
    else:
        node = _clause(state, token)
    return _negate(node) if token.sign == "-" else node


def _parse_group(state: _State) -> Node | None:
    """Parse the inside of parentheses."""
    state.depth += 1
    node = _parse_or(state)
    if state.peek() is None:
        state.warn("a ( was not closed; it was closed at the end of the query")
    else:
        state.take()
    state.depth -= 1
    return node


def _negate(node: Node | None) -> Node | None:
    """Return NOT node, undoing a double negation."""
    if node is None:
        return None
    return node.node if isinstance(node, Not) else Not(node)


def _join(kind: type[And] | type[Or], nodes: list[Node]) -> Node | None:
    """Return nodes joined by AND or OR (one node alone stands for itself)."""
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else kind(tuple(nodes))


def _clause(state: _State, token: _Token) -> Node | None:
    """Turn a word or phrase token into a clause (or a date filter), warning about what is dropped."""
    text = token.text.strip()
    if not text:
        return None
    if state.clauses >= MAX_CLAUSES:
        state.warn(f"only the first {MAX_CLAUSES} words were searched")
        return None
    state.clauses += 1
    if not token.prefix:
        return _plain(state, text, token.kind == "phrase")
    name = token.prefix.lower()
    fields = PREFIXES.get(name)
    if fields is None:
        state.warn(f'"{token.prefix}:" is not a known prefix; "{token.prefix}:{text}" was searched as words')
        return Clause(f"{token.prefix} {text}", phrase=True)
    if fields == ("date",):
        return _date(state, text, token.sign)
    if fields[0] in ("kind", "status"):
        return _keyword(state, fields[0], text, name)
    return _fielded(state, text, fields, token.kind == "phrase", name)


def _plain(state: _State, text: str, phrase: bool) -> Node | None:
    """Return a clause over the default fields."""
    if phrase:
        return Clause(text, phrase=True)
    if text == "*" or text.strip("*?") == "":
        state.warn("a wildcard alone matches everything")
        return Everything()
    return _wildcard_checked(state, Clause(text))


def _fielded(state: _State, text: str, fields: tuple[str, ...], phrase: bool, prefix: str) -> Node | None:
    """Return a clause for a prefixed word or phrase."""
    if fields[0] == "id":
        return Clause(text.strip("<>"), fields, phrase=False, prefix=prefix)
    if fields[0] == "links":
        return Clause(text.strip(), fields, phrase=False, prefix=prefix)  # a key, as `minutebook links` prints it
    if phrase:
        return Clause(text, fields, True, prefix)
    return _wildcard_checked(state, Clause(text, fields, False, prefix))


def _wildcard_checked(state: _State, clause: Clause) -> Node | None:
    """Keep a wildcard only with enough letters before its first * or ?."""
    first = min((i for i in (clause.text.find("*"), clause.text.find("?")) if i >= 0), default=-1)
    if first == -1:
        return clause
    if first >= MIN_WILDCARD_PREFIX:
        return clause
    plain = clause.text.replace("*", "").replace("?", "")
    state.warn(f'"{clause.text}": a wildcard needs at least {MIN_WILDCARD_PREFIX} letters before * or ?; '
               f'searched for "{plain}"' if plain else f'"{clause.text}" was ignored')
    return Clause(plain, clause.fields, clause.phrase, clause.prefix) if plain else None


def _keyword(state: _State, name: str, text: str, typed: str) -> Node | None:
    """Return a kind: or is: clause, or drop an unknown value with a warning."""
    value = text.lower()
    choices = KINDS if name == "kind" else STATUSES
    aliases = {"closed": "done", "messages": "message", "mail": "message", "email": "message"}
    value = aliases.get(value, value.rstrip("s") if value.rstrip("s") in choices else value)
    if value not in choices:
        state.warn(f'"{typed}:{text}" was ignored: {typed}: takes one of {", ".join(choices)}')
        return None
    return Clause(value, (name,), prefix=typed)


def _date(state: _State, text: str, sign: str) -> Node | None:
    """Record a date range filter (or, with -, an excluded range); dates apply to the whole search."""
    found = parse_date_range(text, state.today)
    if found is None:
        state.warn(f'"d:{text}" was ignored: write a date as 2019, 2019-06, 2019-06-30 or a range like '
                   f"2019-01..2019-06, ..2020 or last.year..")
        return None
    if state.depth:
        state.warn("a date range applies to the whole search, whatever brackets or OR surround it")
    state.dates.append(DateRange(found.start, found.end, excluded=sign == "-"))
    return None


_RELATIVE = re.compile(r"(?:(\d+)\.|last\.)(day|week|month|year)s?(?:\.ago)?")


def parse_date_range(text: str, today: date) -> DateRange | None:
    """Parse `2019`, `2019-06`, `2019-06-30`, `A..B`, `..B`, `A..`, `last.year..`; None if unreadable."""
    text = text.strip().lower()
    if ".." in text:
        first, _, second = text.partition("..")
        start = _date_point(first, today, end=False) if first else None
        end = _date_point(second, today, end=True) if second else None
        if (first and start is None) or (second and end is None) or (start is None and end is None):
            return None
    else:
        start, end = _date_point(text, today, end=False), _date_point(text, today, end=True)
        if start is None or end is None:
            return None
    if start and end and start > end:  # "2020..2019": the user meant 2019 to 2020
        return parse_date_range(f"{second}..{first}", today)
    return DateRange(start, end)


def _date_point(text: str, today: date, *, end: bool) -> date | None:
    """Return the first (or, with end, the last) day a date or relative date stands for."""
    if text in ("today", "now"):
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    relative = _RELATIVE.fullmatch(text)
    if relative:
        return _ago(today, int(relative.group(1) or 1), relative.group(2))
    parts = text.split("-")
    if not all(p.isdigit() for p in parts) or len(parts) > 3 or len(parts[0]) != 4:
        return None
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 1:
            return date(numbers[0], 12, 31) if end else date(numbers[0], 1, 1)
        if len(numbers) == 2:
            first = date(numbers[0], numbers[1], 1)
            return _month_end(first) if end else first
        return date(numbers[0], numbers[1], numbers[2])
    except ValueError:
        return None


def _month_end(first: date) -> date:
    """Return the last day of first's month."""
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _ago(today: date, count: int, unit: str) -> date:
    """Return the day count units before today (the 31st becomes the month's last day)."""
    if unit in ("day", "week"):
        return today - timedelta(days=count * (7 if unit == "week" else 1))
    months = today.year * 12 + today.month - 1 - count * (12 if unit == "year" else 1)
    first = date(months // 12, months % 12 + 1, 1)
    return min(first + timedelta(days=today.day - 1), _month_end(first))


def _positive(node: Node | None) -> Node | None:
    """Give a query of only negations something to subtract from: everything."""
    if isinstance(node, Not):
        return And((Everything(), node))
    if isinstance(node, And) and all(isinstance(n, Not) for n in node.nodes):
        return And((Everything(), *node.nodes))
    return node


def plain_words(node: Node | None) -> list[str]:
    """Return the plain words (no prefix, phrase or wildcard) a result must or may contain."""
    if isinstance(node, Clause):
        return [node.text] if node.fields is None and not node.phrase and "*" not in node.text else []
    if isinstance(node, (And, Or)):
        return [word for child in node.nodes for word in plain_words(child)]
    return []


def understood(node: Node | None, dates: list[DateRange] | tuple[DateRange, ...] = ()) -> str:
    """Return the normalised query string that was run (running it again gives the same results)."""
    parts = [_render(node, top=True)] if node is not None and not isinstance(node, Everything) else []
    if isinstance(node, Everything) and not dates:
        parts = ["*"]
    parts.extend(_render_date(d) for d in dates)
    return " ".join(p for p in parts if p)


def _render(node: Node, *, top: bool = False) -> str:
    """Render one node in the query language."""
    if isinstance(node, Clause):
        text = f'"{node.text}"' if node.phrase else node.text
        return f"{node.prefix}:{text}" if node.prefix else text
    if isinstance(node, Everything):
        return "*"
    if isinstance(node, Not):
        inner = _render(node.node)
        return f"-{inner}" if isinstance(node.node, Clause) else f"NOT {inner}"
    if isinstance(node, And):
        shown = [_render(n) for n in node.nodes if not isinstance(n, Everything)]
        return " ".join(shown) if top or len(shown) == 1 else f"({' '.join(shown)})"
    rendered = " OR ".join(_render(n) for n in node.nodes)
    return rendered if top else f"({rendered})"


def _render_date(found: DateRange) -> str:
    """Render a date range as d:START..END with full dates (-d: when excluded)."""
    start = found.start.isoformat() if found.start else ""
    end = found.end.isoformat() if found.end else ""
    sign = "-" if found.excluded else ""
    return f"{sign}d:{start}" if found.start == found.end else f"{sign}d:{start}..{end}"
