"""Finding references in text: every way of writing one thing gives one key, and look-alikes give none."""

from __future__ import annotations

from archive.links import line_references, references, repository_of
from tests.conftest import real_corpus


def keys(text: str, **options: str) -> list[str]:
    return [reference.key for reference in references(text, **options)]


def test_one_review_written_three_ways_is_one_key() -> None:
    text = ("see https://review.opendev.org/c/openstack/nova/+/812345\n"
            "(old link: https://review.openstack.org/#/c/812345/)\n"
            "or https://review.opendev.org/812345\n")
    assert keys(text) == ["gerrit:review.opendev.org/812345"]


def test_meeting_logs_messages_bugs_commits_and_reviews() -> None:
    text = """Hi,

As decided at http://eavesdrop.openstack.org/meetings/nova/2024/nova.2024-01-02-16.00.log.html#l-42
the fix is https://github.com/Dask/Distributed/pull/8123 (also dask/governance#5).
Change-Id: I0123456789abcdef0123456789abcdef01234567
Closes-Bug: LP: #1987654
Link: https://lore.kernel.org/r/20240101.1234.abc@kernel.dk
Archived at https://mail.python.org/pipermail/python-dev/2010-January/095123.html and
https://bugzilla.redhat.com/show_bug.cgi?id=553412 and
https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=0123456789abcdef0123
"""
    found = {r.key: r for r in references(text)}
    assert set(found) == {
        "meeting:nova.2024-01-02-16.00", "github:dask/distributed#8123", "github:dask/governance#5",
        "change-id:I0123456789abcdef0123456789abcdef01234567", "launchpad-bug:1987654",
        "msgid:20240101.1234.abc@kernel.dk", "pipermail:python-dev/2010-January/095123",
        "bugzilla:bugzilla.redhat.com/553412", "commit:linux@0123456789ab"}
    meeting = found["meeting:nova.2024-01-02-16.00"]
    assert (meeting.kind, meeting.line, meeting.anchor) == ("meeting", 3, 42)


def test_no_links_from_quotes_signatures_addresses_or_look_alike_numbers() -> None:
    text = """Jane Doe <jane.doe123456@example.org> wrote:
> see https://review.opendev.org/c/x/+/1
I tried version 2.0#beta and item #3 in the list below; see you at 10#30.
Bug 12 is not Launchpad's, and fs/io_uring.c#12 is a file.

-- 
https://github.com/sig/sig/pull/9
"""
    assert keys(text) == []


def test_message_ids_count_only_when_written_as_one() -> None:
    text = "In-Reply-To: <CAHk-=wi123@mail.gmail.com>\nalso <20240101093000.GA1234@host.example.org>\n"
    assert keys(text) == ["msgid:CAHk-=wi123@mail.gmail.com", "msgid:20240101093000.GA1234@host.example.org"]


def test_kernel_commits_need_to_know_their_repository() -> None:
    text = 'Fixes: 0123456789ab ("io_uring: fix a leak")\nthis reverts commit fedcba987654 ("old").\n'
    assert keys(text) == []
    assert keys(text, repository="linux") == ["commit:linux@0123456789ab", "commit:linux@fedcba987654"]
    assert repository_of(["io-uring@vger.kernel.org"]) == "linux" and repository_of(["a@b.org"]) is None


def test_a_meeting_log_line_keeps_its_number() -> None:
    found = line_references([(7, "#link https://github.com/o/r/issues/4"), (9, "ok")])
    assert [(r.key, r.line) for r in found] == [("github:o/r#4", 7)]


def test_real_io_uring_mail_cites_lore_messages_and_kernel_commits() -> None:
    from ingest.mbox import iter_mbox
    from ingest.message import parse_message

    path = real_corpus("io-uring", "io-uring.vger.kernel.org.epoch0.mbox.gz")
    kinds: dict[str, int] = {}
    for number, item in enumerate(iter_mbox(path)):
        if number == 3000:
            break
        message = parse_message(item.raw, envelope=item.envelope)  # type: ignore[union-attr]
        repository = repository_of([a.email for a in (message.sender, *message.to, *message.cc)])
        for key in keys(message.body, **({"repository": repository} if repository else {})):
            kinds[key.split(":", 1)[0]] = kinds.get(key.split(":", 1)[0], 0) + 1
    assert kinds.get("msgid", 0) > 25 and kinds.get("commit", 0) > 50  # lore links and Link: tags; Fixes: tags
    assert set(kinds) <= {"msgid", "commit", "github", "bugzilla", "gitlab", "change-id", "pipermail", "marc",
                          "launchpad-bug", "hyperkitty", "mail-archive", "meeting", "gerrit"}
