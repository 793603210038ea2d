"""People: the names and addresses in From headers grouped into persons, and each person's key.

A person's key (the `<person>` of `/people/<person>/`) comes from one From header alone, so any
page can link an author without looking at the rest of the archive:

- a clear name (at least two words with letters, no "@", any " via <list>" suffix dropped) gives
  its slug: "Zoë Martin" -> `zoë-martin`;
- anything else (no name, one word, an address as the name) gives the slug of that one-word name
  (or `someone`) and a short hash of the address: `jens-5d41402abc`. An address never appears in a URL.

The person behind a key is every address ever used in a From header that gives the key, and
their messages are the messages sent from those addresses. So one name used from two addresses
is one person, and all of an address's mail shows on the page of the name it carries. An address
used under three or more different clear names (a list's own address rewriting senders, a bot, a
shared office account) is not anyone's: from it, a person gets only the messages carrying their
name. Two different people with the same full name are one person here; telling them apart would
need more than the From header says.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from archive.models import Address

# An address used under this many different clear names belongs to nobody in particular.
SHARED_ADDRESS_NAMES = 3

_NOT_WORD = re.compile(r"[\W_]+")
_VIA = re.compile(r"\s+via\s+\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class Person:
    """One person: the key, the name most used, and where their messages come from."""

    key: str
    name: str
    senders: tuple[Address, ...]  # every (name, address) pair that gives the key
    addresses: tuple[str, ...]  # addresses all of whose messages are theirs
    shared: tuple[Address, ...]  # (name, shared address) pairs: only messages under that name


def slug(text: str) -> str:
    """Return text as a lowercase URL slug, keeping letters of any script."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_WORD.sub("-", folded).strip("-")


def clear_name(name: str) -> str | None:
    """Return the name a person is known by, or None when the name cannot tell people apart."""
    cleaned = _VIA.sub("", name.strip().strip("\"'"))
    words = [word for word in cleaned.split() if any(ch.isalpha() for ch in word)]
    if "@" in cleaned or len(words) < 2:
        return None
    return cleaned


def person_key(address: Address) -> str | None:
    """Return the key of the person who sent from address (None for an empty From)."""
    name = clear_name(address.name)
    if name is not None:
        return slug(name)
    if not address.email:
        return None
    digest = hashlib.sha256(address.email.casefold().encode("utf-8")).hexdigest()[:10]
    label = "" if "@" in address.name else slug(address.name)  # a name that is an address would leak it
    return f"{label or 'someone'}-{digest}"


def _shared_addresses(pairs: Iterable[tuple[str, str, int]]) -> set[str]:
    """Return the (casefolded) addresses used under too many different clear names."""
    names: dict[str, set[str]] = {}
    for name, email, _count in pairs:
        clear = clear_name(name)
        if clear is not None and email:
            names.setdefault(email.casefold(), set()).add(slug(clear))
    return {email for email, keys in names.items() if len(keys) >= SHARED_ADDRESS_NAMES}


def group_people(pairs: Iterable[tuple[str, str, int]]) -> Mapping[str, Person]:
    """Return every person by key, from (name, address, messages) triples of From headers."""
    pairs = list(pairs)
    shared = _shared_addresses(pairs)
    by_key: dict[str, list[tuple[str, str, int]]] = {}
    for name, email, count in pairs:
        key = person_key(Address(name, email))
        if key is not None:
            by_key.setdefault(key, []).append((name, email, count))
    people: dict[str, Person] = {}
    for key, members in by_key.items():
        names: Counter[str] = Counter()
        for name, _email, count in members:
            if name:
                names[name] += count
        people[key] = Person(
            key=key,
            name=names.most_common(1)[0][0] if names else "",
            senders=tuple(Address(name, email) for name, email, _count in members),
            addresses=tuple(sorted({email for _n, email, _c in members if email.casefold() not in shared})),
            shared=tuple(Address(name, email) for name, email, _count in members if email.casefold() in shared),
        )
    return _with_case_variants(people, pairs)


def _with_case_variants(people: dict[str, Person], pairs: list[tuple[str, str, int]]) -> dict[str, Person]:
    """Let a person's addresses include the same address spelled in other letter cases."""
    spellings: dict[str, set[str]] = {}
    for _name, email, _count in pairs:
        spellings.setdefault(email.casefold(), set()).add(email)
    result = {}
    for key, person in people.items():
        every = {variant for email in person.addresses for variant in spellings.get(email.casefold(), {email})}
        result[key] = Person(person.key, person.name, person.senders, tuple(sorted(every)), person.shared)
    return result


def nicks_of(person: Person, nicks: Iterable[str], first_names: Mapping[str, int]) -> tuple[str, ...]:
    """Return the IRC nicks that clearly belong to a person.

    A nick is theirs when it is the local part of one of their addresses (`alice` for
    alice@example.org), their whole name run together (`alicewong`, `alice_wong`), or their first
    name when nobody else in the archive has that first name (first_names counts them all).
    Letters are compared without accents: `zoe` is Zoë.
    """
    local_parts = {_folded(email.rpartition("@")[0]) for email in person.addresses if "@" in email}
    name = _folded(slug(clear_name(person.name) or ""))
    names = {name.replace("-", joiner) for joiner in ("", "_", ".", "-", " ")} if name else set()
    first = first_name(person.name)
    if first and first_names.get(first, 0) == 1:
        names.add(first)
    return tuple(nick for nick in nicks if _folded(nick) in (local_parts | names) - {""})


def first_name(name: str) -> str:
    """Return the folded first word of a clear name ("" when the name is not clear)."""
    clear = clear_name(name)
    return _folded(slug(clear).split("-")[0]) if clear else ""


def _folded(text: str) -> str:
    """Return text casefolded and without accents, for comparing nicks with names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
