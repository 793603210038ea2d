"""Searching: what a reader finds, how it is grouped, paged, faceted, highlighted and corrected."""

from __future__ import annotations

import email
import gzip
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

import pytest

from archive.errors import SearchError
from search.documents import message_key
from search.query import MAX_PAGE, MAX_PAGE_SIZE, search
from search.results import SearchResults
from tests.search_support import KSUMMIT, build_index, fixture_messages

NOW = datetime(2026, 1, 17, tzinfo=timezone.utc)
PATCH = "20210302101500.4411-1-jane@example.org"
REVIEW = "YD9a1b2c3d4e5f@bob.example.com"
SQPOLL = "CAcarol-sqpoll-question@mail.example.net"
STUDENT = "m2student.fsf@student.example.edu"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("search") / "index")


def bodies(keys: Sequence[str]) -> Mapping[str, str]:
    """Return the fixture bodies by index key, as the store would."""
    by_key = {message_key(m.content_hash): m.body for m in fixture_messages().values()}
    return {key: by_key[key] for key in keys if key in by_key}


def run(index: Path, q: str, **options: object) -> SearchResults:
    options.setdefault("now", NOW)
    return search(index, q, texts=bodies, **options)  # type: ignore[arg-type]


def ids(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


def test_a_word_finds_its_thread_with_a_highlighted_snippet(index: Path) -> None:
    results = run(index, "pin")
    assert ids(results) == [SQPOLL]
    hit = results.hits[0]
    assert hit.title == "SQPOLL question: pinning the poll thread"
    assert "<mark>pin</mark>" in hit.snippet
    assert hit.lists == ("ring-dev",) and hit.sender == "Carol Newcomer"
    assert hit.date == datetime(2022, 6, 10, 14, 0, tzinfo=timezone.utc)


def test_snippets_are_html_safe(index: Path) -> None:
    snippet = run(index, "unrelated").hits[0].snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    assert "a &lt; b &amp;&amp; c &gt; d" in snippet
    assert "<script>" not in snippet


def test_a_thread_appears_once_with_its_matching_count(index: Path) -> None:
    results = run(index, "frob")
    assert results.matches == 3 and results.threads == 1
    assert len(results.hits) == 1 and results.hits[0].matches == 3
    assert results.hits[0].id == PATCH  # the subject match of the patch ranks first


def test_identifiers_are_found_as_typed(index: Path) -> None:
    assert ids(run(index, "IORING_OP_FROB")) == [PATCH]
    assert ids(run(index, "io_frob_prep")) == [PATCH]  # only in the diff
    assert ids(run(index, "include/uapi/linux/io_uring.h")) == [PATCH]
    assert ids(run(index, "io_uring.h")) == [PATCH]  # the tail of a path
    assert ids(run(index, "v5.10")) == [REVIEW]
    assert ids(run(index, "IORING_SETUP_SQ_AFF")) == ["20220611093000.GA1234@example.org"]


def test_what_is_not_indexed(index: Path) -> None:
    assert run(index, "io_setup_magic_context").matches == 0  # unchanged context lines of a diff
    assert run(index, "zebrafish").matches == 0  # a quote inside a quote


def test_a_message_without_subject_is_found_by_its_body(index: Path) -> None:
    assert ids(run(index, "eBPF university project")) == [STUDENT]


def test_stemming_matches_other_forms(index: Path) -> None:
    assert ids(run(index, "frobbing registering")) == [PATCH]


def test_phrases_need_the_words_side_by_side(index: Path) -> None:
    assert run(index, '"committee received"').matches == 1
    assert run(index, '"received committee"').matches == 0
    assert ids(run(index, '"io_uring_enter() for every request"')) == [PATCH]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("s:sqpoll", {SQPOLL, "20220611093000.GA1234@example.org"}),
        ("f:jane sqpoll", {"20220611093000.GA1234@example.org"}),
        ('f:"Bob Reviewer"', {REVIEW}),
        ("f:bob@example.com", {REVIEW}),
        ("t:carol@example.net", {"20220611093000.GA1234@example.org"}),
        ("c:axel", {PATCH}),
        ("b:frobs", {PATCH, "20210302101500.4411-2-jane@example.org", REVIEW}),  # "frob state" too
        ("l:community rust", {"rust-proposal-2023@example.org"}),
        (f"m:<{REVIEW}>", {REVIEW}),
        ("kind:message l:community", {"coc-report-2019@example.org", "87eve.fsf@example.com",
                                      "rust-proposal-2023@example.org"}),
    ],
)
def test_prefixes(index: Path, q: str, expected: set[str]) -> None:
    results = run(index, q, page_size=50)
    assert {hit.id for hit in results.hits} <= expected
    assert results.matches == len(expected)


def test_boolean_operators(index: Path) -> None:
    assert run(index, "burnout OR sqpoll").matches == 4
    assert run(index, "burnout -rules").matches == 1
    assert run(index, "burnout NOT rules").matches == 1
    assert run(index, "burnout -reviewers").matches == 0  # Dana's "review load" is stemmed alike
    assert run(index, "(burnout OR sqpoll) AND committee").matches == 2  # the reply's subject too
    assert run(index, "-frob").matches == 6  # nine messages, three about frob


def test_date_ranges(index: Path) -> None:
    assert run(index, "d:2020").matches == 3  # the two committee messages and the student's
    assert run(index, "d:2021-03-03").matches == 1  # Bob's review: 09:00 +0100 is 08:00 UTC
    assert run(index, "d:..2020-12-31 -d:2020-11").matches == 2  # the student wrote in November
    assert run(index, "burnout d:2021..").matches == 0
    assert run(index, "d:last.year..", now=datetime(2024, 6, 1, tzinfo=timezone.utc)).matches == 1


def test_relevance_and_date_order(index: Path) -> None:
    newest_first = [hit.date for hit in run(index, "*", sort="-date").hits]
    assert newest_first == sorted(newest_first, reverse=True)
    oldest_first = [hit.date for hit in run(index, "*", sort="date").hits]
    assert oldest_first == sorted(oldest_first)
    assert set(run(index, "*", sort="sideways").warnings) == {'a wildcard alone matches everything',
                                                              'unknown sort "sideways"; sorted by relevance'}


def test_facets_count_lists_years_and_kinds(index: Path) -> None:
    results = run(index, "*")
    assert results.matches == 9 and results.threads == 5
    assert [(c.value, c.count) for c in results.facet("list")] == [("ring-dev", 6), ("community", 3)]
    assert [(c.value, c.count) for c in results.facet("year")] == [("2023", 1), ("2022", 2), ("2021", 3),
                                                                    ("2020", 3)]
    assert [(c.value, c.count) for c in results.facet("kind")] == [("message", 9)]


def test_paging_is_by_thread_and_capped(index: Path) -> None:
    first = run(index, "*", page_size=2)
    second = run(index, "*", page=2, page_size=2)
    third = run(index, "*", page=3, page_size=2)
    assert first.pages == 3 and len(first.hits) == 2 and len(third.hits) == 1
    assert len({h.thread_id for h in first.hits + second.hits + third.hits}) == 5
    huge = run(index, "*", page=10_000, page_size=10_000)
    assert huge.page == MAX_PAGE and huge.page_size == MAX_PAGE_SIZE and huge.hits == ()
    assert any("first 50 pages" in w for w in huge.warnings)


def test_lists_restrict_what_a_reader_may_see(index: Path) -> None:
    assert run(index, "*", lists=["community"]).matches == 3
    assert run(index, "frob", lists=["community"]).matches == 0
    assert run(index, "*", lists=[]).matches == 0


def test_did_you_mean(index: Path) -> None:
    results = run(index, "pining sqpol")
    assert results.matches == 0
    assert results.suggestion == "pinning sqpoll"


def test_few_results_bring_in_items_missing_one_word(index: Path) -> None:
    results = run(index, "maintainer burnout reviewers nonexistent")
    assert results.matches == 2 and results.threads == 1  # both committee messages have three of them
    assert "items missing one of them" in results.warnings[0]


@pytest.mark.parametrize(
    "q",
    ['"unbalanced', "(sqpoll OR", "sqpoll)", "NOT", "foo:bar", "d:soon", "x" * 5000, "*", "ab*",
     "a AND AND OR", "\"\"", "((((", "-", "+", ":", "d:", "s:", "kind:", "\x00", "💥 io_uring"],
)
def test_bad_queries_never_raise(index: Path, q: str) -> None:
    results = run(index, q)
    assert isinstance(results, SearchResults)
    assert results.query == q


def test_only_stop_words_say_so(index: Path) -> None:
    results = run(index, "the of and")
    assert results.matches == 0
    assert results.warnings == ('"the", "of", "and": too common to search for',)


def test_the_time_limit_returns_what_was_found(index: Path) -> None:
    results = run(index, "frob OR sqpoll", time_limit=0)
    assert not results.complete
    assert "longer than 0 s" in results.warnings[-1]


def test_a_missing_index_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SearchError):
        search(tmp_path / "nothing", "frob")


# --- the ksummit-discuss archive (759 messages), read independently with the email package ---


@pytest.fixture(scope="module")
def ksummit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not KSUMMIT.exists():
        pytest.skip(f"real corpora not found at {KSUMMIT.parent} (only the project's own checkout has ../shared)")
    return build_index(tmp_path_factory.mktemp("ksummit") / "index", {"ksummit-discuss": KSUMMIT})


def raw_ksummit() -> list[email.message.Message]:
    """Return the archive's messages parsed by the standard library alone."""
    text = gzip.decompress(KSUMMIT.read_bytes())
    chunks = text.split(b"\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\n")
    return [email.message_from_bytes(chunk.split(b"\n", 1)[1] if i == 0 else chunk) for i, chunk in enumerate(chunks)]


def test_ksummit_the_change_id_thread_is_found_first(ksummit: Path) -> None:
    results = search(ksummit, "gerrit Change-Id", now=NOW)
    # Doug Anderson's thread, read in the archive: 105 messages about Change-Id tags.
    assert results.hits[0].thread_id is not None
    assert results.hits[0].title.endswith("Allowing something Change-Id (or something like it) in kernel commits")


def test_ksummit_every_message_from_linus_and_no_other(ksummit: Path) -> None:
    expected = sum(
        1 for m in raw_ksummit()
        if any(addr.lower() == "torvalds@linux-foundation.org" for _n, addr in getaddresses([m.get("From", "")]))
    )
    assert expected > 0
    assert search(ksummit, "f:torvalds@linux-foundation.org", now=NOW).matches == expected


def test_ksummit_years_match_the_date_headers(ksummit: Path) -> None:
    years: dict[str, int] = {}
    for message in raw_ksummit():
        year = str(parsedate_to_datetime(message["Date"]).astimezone(timezone.utc).year)
        years[year] = years.get(year, 0) + 1
    results = search(ksummit, "*", now=NOW)
    assert {c.value: c.count for c in results.facet("year")} == years
    assert search(ksummit, "d:2020", now=NOW).matches == years["2020"]


def test_ksummit_subject_prefix_and_grouping(ksummit: Path) -> None:
    results = search(ksummit, 's:"inclusive terminology"', now=NOW, page_size=50)
    titles = {hit.title.split("] ", 1)[-1].removeprefix("[PATCH] ").removeprefix("[PATCH v2] ")
              .removeprefix("[PATCH v3] ") for hit in results.hits}
    assert titles == {"CodingStyle: Inclusive Terminology"}
    assert results.threads == len(results.hits) == len({hit.thread_id for hit in results.hits})
    assert sum(hit.matches for hit in results.hits) == results.matches
