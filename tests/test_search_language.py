"""The query language: what people type becomes a tree, and nothing they type is an error."""

from __future__ import annotations

from datetime import date

import pytest

from search.language import (MAX_QUERY_CHARS, And, Clause, DateRange, Everything, Not, Or,
                             parse_date_range, parse_query, plain_words)

TODAY = date(2026, 1, 17)


def parsed(text: str):  # type: ignore[no-untyped-def]
    return parse_query(text, today=TODAY)


def test_plain_words_and_phrases_search_the_default_fields() -> None:
    result = parsed('io_uring "fixed buffers"')
    assert result.node == And((Clause("io_uring"), Clause("fixed buffers", phrase=True)))
    assert result.understood == 'io_uring "fixed buffers"'
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("text", "fields", "shown"),
    [
        ("s:sqpoll", ("title",), "s:sqpoll"),
        ("f:axboe@kernel.dk", ("from",), "f:axboe@kernel.dk"),
        ("t:io-uring@vger.kernel.org", ("to",), "t:io-uring@vger.kernel.org"),
        ("c:netdev", ("cc",), "c:netdev"),
        ("b:READ_ONCE", ("body", "diff", "quoted"), "b:READ_ONCE"),
        ("l:io-uring", ("list",), "l:io-uring"),
        ("m:<abc@example.org>", ("id",), "m:abc@example.org"),
        ("nick:ttx", ("nick",), "nick:ttx"),
        ("Subject:rust", ("title",), "subject:rust"),
    ],
)
def test_prefixes_choose_fields(text: str, fields: tuple[str, ...], shown: str) -> None:
    result = parsed(text)
    assert isinstance(result.node, Clause) and result.node.fields == fields
    assert result.understood == shown


def test_a_prefix_applies_to_a_phrase_or_a_whole_group() -> None:
    assert parsed('s:"code of conduct"').node == Clause("code of conduct", ("title",), phrase=True, prefix="s")
    assert parsed("s:(rust kernel) policy").understood == "(s:rust s:kernel) policy"


def test_operators_and_their_precedence() -> None:
    result = parsed("a b OR c -d +e")
    assert result.node == Or((And((Clause("a"), Clause("b"))),
                              And((Clause("c"), Not(Clause("d")), Clause("e")))))
    assert result.understood == "(a b) OR (c -d e)"  # AND binds tighter; the brackets say so
    assert parsed("NOT NOT x").node == Clause("x")
    assert parsed("(a OR b) AND c").understood == "(a OR b) c"


def test_a_query_of_negations_subtracts_from_everything() -> None:
    assert parsed("-foo").node == And((Everything(), Not(Clause("foo"))))
    assert parsed("-foo").understood == "-foo"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", DateRange(date(2019, 1, 1), date(2019, 12, 31))),
        ("2019-02", DateRange(date(2019, 2, 1), date(2019, 2, 28))),
        ("2020-02", DateRange(date(2020, 2, 1), date(2020, 2, 29))),
        ("2019-06-30", DateRange(date(2019, 6, 30), date(2019, 6, 30))),
        ("2019-01..2019-06", DateRange(date(2019, 1, 1), date(2019, 6, 30))),
        ("..2020", DateRange(None, date(2020, 12, 31))),
        ("2021-03-01..", DateRange(date(2021, 3, 1), None)),
        ("last.year..", DateRange(date(2025, 1, 17), None)),
        ("3.months.ago..yesterday", DateRange(date(2025, 10, 17), date(2026, 1, 16))),
        ("2020..2019", DateRange(date(2019, 1, 1), date(2020, 12, 31))),
    ],
)
def test_dates_and_ranges(text: str, expected: DateRange) -> None:
    assert parse_date_range(text, TODAY) == expected


def test_a_date_filters_the_whole_search_and_is_shown_in_full() -> None:
    result = parsed("d:2019-01..2019-06 f:axboe")
    assert result.dates == (DateRange(date(2019, 1, 1), date(2019, 6, 30)),)
    assert result.understood == "f:axboe d:2019-01-01..2019-06-30"
    assert parsed("d:2020").node == Everything()


def test_wildcards_need_three_letters() -> None:
    assert parsed("regist*").node == Clause("regist*")
    result = parsed("ab*")
    assert result.node == Clause("ab")
    assert "at least 3 letters" in result.warnings[0]


@pytest.mark.parametrize(
    ("text", "understood", "warning"),
    [
        ('"unbalanced quote', '"unbalanced quote"', "was not closed"),
        ("(a OR b", "a OR b", "( was not closed"),
        ("a) b", "a b", "unmatched )"),
        ("NOT", "", "NOT without a word"),
        ("a NOT", "a", "NOT without a word"),
        ("OR a", "a", "OR without a word before"),
        ("foo:bar baz", '"foo bar" baz', '"foo:" is not a known prefix'),
        ("d:someday rust", "rust", '"d:someday" was ignored'),
        ("kind:bogus", "", "kind: takes one of message, meeting"),
        ("*", "*", "wildcard alone matches everything"),
        ("x" * 5000, "x" * MAX_QUERY_CHARS, f"first {MAX_QUERY_CHARS} characters"),
    ],
)
def test_bad_queries_give_best_effort_and_say_what_was_understood(text: str, understood: str, warning: str) -> None:
    result = parsed(text)
    assert result.understood == understood
    assert any(warning in w for w in result.warnings), result.warnings


def test_many_words_are_capped() -> None:
    result = parsed(" ".join(f"w{i}" for i in range(100)))
    assert isinstance(result.node, And) and len(result.node.nodes) == 40
    assert "only the first 40 words" in result.warnings[0]


def test_urls_are_words_not_prefixes() -> None:
    result = parsed("https://lore.kernel.org/io-uring/")
    assert result.node == Clause("https://lore.kernel.org/io-uring/")
    assert result.warnings == ()


def test_kinds_and_statuses_accept_plurals_and_aliases() -> None:
    assert parsed("kind:meetings is:closed").understood == "kind:meeting is:done"


def test_plain_words_lists_what_a_spelling_suggestion_may_replace() -> None:
    assert plain_words(parsed('rust s:kernel "a phrase" regist* OR policy -gone').node) == ["rust", "policy"]
