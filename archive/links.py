"""References between things: find the messages, meetings, code reviews, bugs and commits a text
names, each normalised to one key (pure).

The same review written three ways is one key ("gerrit:review.opendev.org/12345"), so a thread, a
meeting and a review that mention it meet. Precision matters more than recall: a reference must be
written as one (a URL, a "Change-Id:" line, "LP: #N"), and quoted lines, signatures, e-mail
addresses and numbers that merely look like ids are never references.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate
from dataclasses import dataclass
from urllib.parse import unquote

from archive.render import SIGNATURE_LINES, URL_MATCHER

# The first part of every key this module makes ("gerrit" in "gerrit:review.opendev.org/1").
KEY_PREFIXES = ("msgid", "pipermail", "hyperkitty", "hyperkitty-thread", "mail-archive", "marc", "meeting", "gerrit",
                "change-id", "github", "gitlab", "launchpad-bug", "bugzilla", "bug", "commit")
# Hosts that are the same Gerrit under an older name.
GERRIT_ALIASES = {"review.openstack.org": "review.opendev.org"}


@dataclass(frozen=True)
class Reference:
    """A thing a text names: its key, what kind of thing it is, and where in the text."""

    key: str  # e.g. "msgid:<id>", "gerrit:review.opendev.org/12345", "meeting:nova.2024-01-02-16.00"
    kind: str  # message, meeting, review, bug or commit
    url: str  # the URL as written, or "" when it was written another way
    line: int  # the line of the text it is on (from 1)
    anchor: int = 0  # the line a meeting URL points at (#l-N), else 0


# --- URLs ------------------------------------------------------------------------------------
_URL_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pipermail", re.compile(r"/pipermail/(?P<list>[^/\s]+)/(?P<month>\d{4}(?:-[A-Za-z]+|q\d)?)/(?P<n>\d{6})\.html\Z")),
    ("hyperkitty", re.compile(r"/archives/list/(?P<list>[^/\s]+@[^/\s]+)/(?P<what>message|thread)/(?P<hash>[A-Z0-9]{8,})/?\Z")),
    ("mail-archive", re.compile(r"mail-archive\.com/(?P<list>[^/\s]+@[^/\s]+)/msg(?P<n>\d+)\.html\Z")),
    ("marc", re.compile(r"marc\.info/\?(?:.*&)?l=(?P<list>[^&\s]+)&m=(?P<n>\d+)")),
    ("meeting", re.compile(r"/(?P<base>[\w.-]+?\.\d{4}-\d\d-\d\d-\d\d\.\d\d)(?:\.log)?\.(?:html|txt)(?:#l-(?P<line>\d+))?\Z")),
    ("gerrit", re.compile(r"//(?P<host>[\w.-]+)/(?:r/)?(?:#/c/|c/[^\s#?]+?/\+/|(?=\d+/?(?:\Z|#)))(?P<n>\d+)(?:/[\d/]*)?/?(?:#.*)?\Z")),
    ("github", re.compile(r"//github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/(?:pull|issues)/(?P<n>\d+)")),
    ("github-commit", re.compile(r"//github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/commit/(?P<sha>[0-9a-f]{7,40})")),
    ("gitlab", re.compile(r"//(?P<host>[\w.-]+)/(?P<path>[\w./-]+?)/-/(?P<what>merge_requests|issues)/(?P<n>\d+)")),
    ("gitlab-commit", re.compile(r"//(?P<host>[\w.-]+)/(?P<path>[\w./-]+?)/-/commit/(?P<sha>[0-9a-f]{7,40})")),
    ("launchpad", re.compile(r"bugs\.launchpad\.net/(?:[\w.+-]+/)*(?:\+bug|bugs)/(?P<n>\d+)")),
    ("debian-bug", re.compile(r"//(?P<host>bugs\.debian\.org)/(?:cgi-bin/bugreport\.cgi\?bug=)?(?P<n>\d+)\Z")),
    ("jira", re.compile(r"//(?P<host>[\w.-]+)/browse/(?P<n>[A-Z][A-Z0-9]+-\d+)\Z")),
    ("bugzilla", re.compile(r"//(?P<host>[\w.-]+)/(?:[\w.-]+/)*show_bug\.cgi\?(?:.*&)?id=(?P<n>\d+)")),
    ("bugzilla", re.compile(r"//(?P<host>bugzilla\.redhat\.com)/(?P<n>\d+)\Z")),
    ("other-bug", re.compile(r"//(?P<host>bugs\.gentoo\.org|bugs\.freedesktop\.org|bugzilla\.kernel\.org)/(?P<n>\d+)\Z")),
    ("kernel-commit", re.compile(r"//git\.kernel\.org/\S*?/commit/\S*?[?&]id=(?P<sha>[0-9a-f]{7,40})")),
    ("cgit-commit", re.compile(r"//(?P<host>[\w.-]+)/(?P<path>[\w./~-]+?)/commit/\S*?[?&]id=(?P<sha>[0-9a-f]{7,40})")),
    # A path segment holding an address-like id: lore, public-inbox and patchwork pages of a message.
    ("message-url", re.compile(r"//[^/\s]+/(?:[^\s]*/)?(?P<id>[^/\s@]+?(?:@|%40)[^/\s#]+?)(?:/(?:[Tt]/?|raw)?)?(?:#\S*)?\Z")),
)


def _url_reference(url: str, line: int) -> Reference | None:
    """Return what a URL refers to, if it is one of the kinds this module knows."""
    clean = url.rstrip(".,;:)")
    for rule, pattern in _URL_RULES:
        match = pattern.search(clean)
        if match is None:
            continue
        found = _from_url(rule, match, clean)
        if found is not None:
            key, kind, anchor = found
            return Reference(key, kind, clean, line, anchor)
    return None


def _from_url(rule: str, match: re.Match[str], url: str) -> tuple[str, str, int] | None:
    """Return (key, kind, anchor) for a URL matched by a rule, or None when the match is not a reference."""
    group = match.groupdict()
    if rule == "pipermail":
        return f"pipermail:{group['list']}/{group['month']}/{group['n']}", "message", 0
    if rule == "hyperkitty":
        prefix = "hyperkitty" if group["what"] == "message" else "hyperkitty-thread"
        return f"{prefix}:{group['list']}/{group['hash']}", "message", 0
    if rule == "mail-archive":
        return f"mail-archive:{group['list']}/{group['n']}", "message", 0
    if rule == "marc":
        return f"marc:{group['list']}/{group['n']}", "message", 0
    if rule == "meeting":
        return f"meeting:{group['base']}", "meeting", int(group["line"] or 0)
    if rule == "gerrit":
        host = GERRIT_ALIASES.get(group["host"], group["host"])
        if "review" not in host and "gerrit" not in host:
            return None  # only Gerrit hosts have /c/N; any other host's /N is not a change
        return f"gerrit:{host}/{group['n']}", "review", 0
    if rule == "github":
        return f"github:{group['owner'].casefold()}/{group['repo'].casefold()}#{group['n']}", "review", 0
    if rule == "gitlab":
        mark = "!" if group["what"] == "merge_requests" else "#"
        return f"gitlab:{group['host']}/{group['path']}{mark}{group['n']}", "review", 0
    if rule == "launchpad":
        return f"launchpad-bug:{group['n']}", "bug", 0
    if rule in ("debian-bug", "jira", "other-bug"):
        return f"bug:{group['host']}/{group['n']}", "bug", 0
    if rule == "bugzilla":
        return f"bugzilla:{group['host']}/{group['n']}", "bug", 0
    if rule == "github-commit":
        return f"commit:{group['owner'].casefold()}/{group['repo'].casefold()}@{group['sha'][:12]}", "commit", 0
    if rule == "gitlab-commit":
        return f"commit:{group['path']}@{group['sha'][:12]}", "commit", 0
    if rule == "kernel-commit":
        return f"commit:linux@{group['sha'][:12]}", "commit", 0
    if rule == "cgit-commit":
        return f"commit:{group['path'].strip('/')}@{group['sha'][:12]}", "commit", 0
    if "/archives/list/" in url or "mail-archive.com/" in url or "marc.info/" in url:
        return None  # a list's address in an archive's URL, not a message
    message_id = unquote(group["id"])
    return (f"msgid:{message_id}", "message", 0) if _looks_like_message_id(message_id, in_url=True) else None


def _looks_like_message_id(value: str, *, in_url: bool = False) -> bool:
    """Tell whether value can be a Message-ID (one "@", no spaces, a dotted or bracketed right side).

    In an archive's URL the right side may be a bare host name ("GA25104@localhost").
    """
    local, _, domain = value.partition("@")
    return bool(local) and bool(domain) and "@" not in domain and " " not in value and (
        in_url or "." in domain or domain.startswith("["))


# --- Written forms ---------------------------------------------------------------------------
_CHANGE_ID = re.compile(r"\bChange-Id:\s*(?P<id>I[0-9a-f]{40})\b")
_SHORTHAND = re.compile(r"(?<![\w/.@:-])(?P<owner>[A-Za-z0-9][\w.-]{0,38})/(?P<repo>[A-Za-z0-9][\w.-]{0,99})#(?P<n>\d+)\b")
_LP = re.compile(r"\bLP:?\s*#(?P<n>\d{4,8})\b")
_BUG_NUMBER = re.compile(r"\b[Bb]ug\s*#?\s*(?P<n>\d{5,8})\b")
_RHBZ = re.compile(r"\brhbz\s*#?\s*(?P<n>\d{5,8})\b", re.IGNORECASE)
# A Message-ID named as one: after a header name or "msgid", or bracketed where no name precedes it.
_HEADER_ID = re.compile(r"\b(?:message-id|in-reply-to|references|msg-?id|mid)\s*[:=]?\s*<?(?P<id>[^<>\s@]+@[^<>\s@]+?)>?(?=[\s,;)]|\Z)",
                        re.IGNORECASE)
_BRACKETED_ID = re.compile(r"(?P<before>\S*)\s*<(?P<id>[^<>\s@]{8,}@[^<>\s@]+)>")
# Kernel style: 'commit 0123456789ab ("subject")' and 'Fixes: 0123456789ab ("subject")'.
_KERNEL_COMMIT = re.compile(r"(?:\bcommit\s+|\bFixes:\s*(?:commit\s+)?)(?P<sha>[0-9a-f]{12,40})\s+\(\"", re.IGNORECASE)


def references(text: str, *, repository: str | None = None) -> list[Reference]:
    """Return the references a message body makes in its own lines (not quoted, not in its signature).

    repository names the code base that bare commit ids belong to ("linux" for kernel lists).
    """
    lines = text.split("\n")
    end = _signature_at(lines)
    numbered = [(number, line) for number, line in enumerate(lines[:end], 1) if not line.lstrip().startswith(">")]
    return line_references(numbered, repository=repository)


def _signature_at(lines: list[str]) -> int:
    """Return the index of the signature line ("-- ") near the end, or len(lines)."""
    for index in range(len(lines) - 1, max(-1, len(lines) - SIGNATURE_LINES - 1), -1):
        if lines[index] in ("-- ", "--"):
            return index
    return len(lines)


# What a line must hold to be worth reading closely (lower case): most lines of mail and logs hold none.
_TRIGGERS = ("://", "change-id", "lp", "rhbz", "bug", "commit", "fixes", "message-id", "in-reply-to", "references",
             "msg", "mid", "@", "#")


def _triggered(numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Return the lines holding a trigger, found by plain substring search over the whole text (fast)."""
    text = "\n".join(line for _number, line in numbered).lower()
    starts = list(accumulate((len(line) + 1 for _number, line in numbered), initial=0))
    wanted: set[int] = set()
    for trigger in _TRIGGERS:
        at = text.find(trigger)
        while at != -1:
            line = bisect_right(starts, at) - 1
            wanted.add(line)
            at = text.find(trigger, starts[line + 1] if line + 1 < len(starts) else len(text))
    return [numbered[index] for index in sorted(wanted)]


def line_references(lines: Iterable[tuple[int, str]], *, repository: str | None = None) -> list[Reference]:
    """Return the distinct references of some numbered lines (a meeting log's, or a body's own)."""
    numbered = _triggered(list(lines))
    context = " ".join(text for _number, text in numbered).casefold()
    found: dict[str, Reference] = {}
    for number, text in numbered:
        for reference in _line_references(number, text, context, repository):
            found.setdefault(reference.key, reference)
    return list(found.values())


def _line_references(number: int, text: str, context: str, repository: str | None) -> Iterator[Reference]:
    """Yield the references on one line; context is the whole text, casefolded, for ambiguous forms."""
    urls = [match.url for match in (URL_MATCHER.match(text) or [])] if "://" in text else []
    for url in urls:
        if (reference := _url_reference(url, number)) is not None:
            yield reference
    bare = text
    for url in urls:
        bare = bare.replace(url, " ")  # what a URL holds is not read again as written forms
    for match in _CHANGE_ID.finditer(bare):
        yield Reference(f"change-id:{match['id']}", "review", "", number)
    for match in _SHORTHAND.finditer(bare):
        if not re.search(r"\.\w{1,4}\Z", match["repo"]):  # "fs/io_uring.c#12" is a file, not a repository
            yield Reference(f"github:{match['owner'].casefold()}/{match['repo'].casefold()}#{match['n']}", "review", "",
                            number)
    yield from _bug_references(number, bare, context)
    for match in _HEADER_ID.finditer(bare):
        if _looks_like_message_id(match["id"]):
            yield Reference(f"msgid:{match['id']}", "message", "", number)
    for match in _BRACKETED_ID.finditer(bare):
        # "Jane Doe <jane@example.org>" is an address; "<20240101.1234@host>" on its own is a message.
        if not re.search(r"(?:\A[A-Z]|[\"')])\S*\Z", match["before"]) and re.search(r"\d", match["id"].split("@")[0]) \
                and _looks_like_message_id(match["id"]):
            yield Reference(f"msgid:{match['id']}", "message", "", number)
    if repository:
        for match in _KERNEL_COMMIT.finditer(bare):
            yield Reference(f"commit:{repository}@{match['sha'][:12].lower()}", "commit", "", number)


def _bug_references(number: int, text: str, context: str) -> Iterator[Reference]:
    """Yield Launchpad and Red Hat Bugzilla bugs written without a URL ("LP: #123456", "rhbz#123456")."""
    for match in _LP.finditer(text):
        yield Reference(f"launchpad-bug:{match['n']}", "bug", "", number)
    for match in _RHBZ.finditer(text):
        yield Reference(f"bugzilla:bugzilla.redhat.com/{match['n']}", "bug", "", number)
    # "bug #1234567" says which tracker only through what else the text mentions; only Launchpad's
    # projects write bugs so without a URL often enough to take it.
    if "launchpad" in context or "openstack" in context:
        for match in _BUG_NUMBER.finditer(text):
            yield Reference(f"launchpad-bug:{match['n']}", "bug", "", number)


def page_of(key: str) -> str | None:
    """Return the end of the URL of the archive page a message key names ("/pipermail/L/2010-May/000123.html")."""
    kind, _, rest = key.partition(":")
    if kind == "pipermail":
        return f"/pipermail/{rest}.html"
    if kind == "mail-archive":
        name, _, number = rest.rpartition("/")
        return f"mail-archive.com/{name}/msg{number}.html"
    if kind in ("hyperkitty", "hyperkitty-thread"):
        name, _, digest = rest.rpartition("/")
        return f"/archives/list/{name}/{'message' if kind == 'hyperkitty' else 'thread'}/{digest}/"
    return None


def repository_of(addresses: Iterable[str]) -> str | None:
    """Return the repository bare commit ids of a message belong to, from where it was sent ("linux" for kernel lists)."""
    hosts = {address.rpartition("@")[2].casefold() for address in addresses}
    kernel = ("vger.kernel.org", "kernel.org", "lists.linux.dev", "lists.linuxfoundation.org")
    return "linux" if any(host.endswith(kernel) for host in hosts) else None
