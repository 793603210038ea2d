"""The index schema and its analyzer: identifiers are found whole and in parts, words stemmed."""

from __future__ import annotations

import pytest

from search.schema import (DEFAULT_FIELDS, FIELD_BOOSTS, KINDS, PREFIXES, STEMMED, analyzer_for,
                           build_schema, iter_terms, word_terms)


@pytest.mark.parametrize(
    ("word", "whole", "parts"),
    [
        ("io_uring_enter", "io_uring_enter", ("io", "ure", "enter")),
        ("ioring_op_readv", "ioring_op_readv", ("ior", "op", "readv")),
        ("v5.10", "v5.10", ("v5", "10")),
        ("fs/io_uring.c", "fs/io_uring.c", ("fs", "io", "ure")),
    ],
)
def test_identifiers_are_kept_whole_and_split_into_parts(word: str, whole: str, parts: tuple[str, ...]) -> None:
    lead, found = word_terms(word)
    assert lead[0] == whole
    assert found == parts


def test_a_path_is_also_found_by_its_tail() -> None:
    lead, _parts = word_terms("include/uapi/linux/io_uring.h")
    assert {"linux/io_uring.h", "io_uring.h"} <= set(lead)


def test_an_address_keeps_its_domain_whole() -> None:
    lead, parts = word_terms("axboe@kernel.dk")
    assert lead == ("axboe@kernel.dk", "kernel.dk")
    assert parts == ("axbo",)  # the stemmed local part; "kernel" and "dk" are not split out


def test_a_message_id_in_a_link_is_a_term_of_its_own() -> None:
    lead, _parts = word_terms("lore.kernel.org/io-uring/67b28e66-f2f8@gmail.com")
    assert "67b28e66-f2f8@gmail.com" in lead


def test_words_are_stemmed_and_stop_words_dropped() -> None:
    assert word_terms("running") == ((), ("run",))
    assert word_terms("registered") == word_terms("registering")
    assert word_terms("the") == ((), ())
    assert word_terms("running", stemming=False) == ((), ("running",))


def test_leading_underscores_do_not_hide_an_identifier() -> None:
    assert word_terms("__io_uring_cancel")[0][0] == "io_uring_cancel"


def test_a_compound_shares_the_position_of_its_first_part() -> None:
    terms = list(iter_terms("The io_uring_enter() call"))
    assert terms == [("io_uring_enter", 0), ("io", 0), ("ure", 1), ("enter", 2), ("call", 3)]


def test_the_analyzer_is_case_insensitive() -> None:
    assert [t.text for t in STEMMED("IORING_OP_READV")] == [t.text for t in STEMMED("ioring_op_readv")]


def test_the_schema_has_the_fields_every_kind_shares() -> None:
    names = set(build_schema().names())
    assert {"key", "id", "kind", "thread_id", "list", "title", "date", "year"} <= names
    assert {"nick", "series", "status"} <= names  # for meetings and action items later


def test_tuning_is_consistent() -> None:
    schema = build_schema()
    assert set(DEFAULT_FIELDS) <= set(FIELD_BOOSTS)
    assert all(field in schema.names() or field == "date" for fields in PREFIXES.values() for field in fields)
    assert FIELD_BOOSTS["title"] > FIELD_BOOSTS["body"] > FIELD_BOOSTS["quoted"]
    assert set(KINDS) == {"message", "meeting", "action", "decision", "review"}
    assert analyzer_for("body").stemming and not analyzer_for("from").stemming
