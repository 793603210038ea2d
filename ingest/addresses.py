"""Read From/To/Cc addresses, including the obfuscated forms Pipermail archives publish."""

from __future__ import annotations

import re
import unicodedata
from email.utils import getaddresses

from archive.models import Address
from ingest.headers import decode_words

# Pipermail's standard obfuscation: "user at host.org (Real Name)".
_PLAIN_AT = re.compile(r"([^\s<>()\"@]+) at ([^\s<>()\"@]+)")
_TRAILING_COMMENT = re.compile(r"^(.*?)\s*\((.*)\)\s*$", re.S)
_ANGLE = re.compile(r"^(.*?)<([^<>]*)>\s*$", re.S)
_TOKEN = re.compile(r"[a-z0-9]+")
# One plain mailbox of a list ('"Name" <a@b>', 'Name <a@b>', 'a@b') and its comma: most real
# headers are only these, and reading them with a regex is far faster than getaddresses().
_MAILBOX = re.compile(r'\s*(?:(?:"([^"\\]*)"|([^",<>()\\:;]*?))\s*<([^<>",\s]*)>'
                      r'|([^",<>()\\:;\s]+))\s*(?:,|$)')

# ETH Zurich's Pipermail (stat.ethz.ch, e.g. r-devel in 2019) writes "@" as a phrase and
# replaces some letters by look-alikes. Each dialect: the separator, then for each look-alike
# the letters it may stand for (read off addresses whose owners' real names give them away).
_DIALECTS: tuple[tuple[str, dict[str, str]], ...] = (
    (" @end|ng |rom ", {"@": "as.", "|": "ilf"}),  # "sending from"; from Feb 2019
    (" @ending from ", {"@": "as."}),  # January 2019
    (" m@iii@g oii ", {"@": "an.", "i": "ilf"}),  # "mailing off"; from April 2019
)
_Whole = tuple[str, frozenset[int], frozenset[int]]  # text, where its words start, end
_Names = tuple[list[_Whole], list[str]]  # local parts made from a name, and its words
_MIN_RUN = 3  # shorter stretches of a name fit by chance
# Pipermail writes one short address and a name: anything longer is junk, not worth the
# (quadratic) search for a name in it.
_MAX_OBFUSCATED = 400
_MAX_PART = 64
_MAX_WORDS = 8
_DEFAULT_GUESS = {"@": "a", "|": "i", "i": "i"}  # the commonest reading when nothing decides
# Common mail providers and the list host itself: an obfuscated domain that fits one of
# these is taken to be it.
_KNOWN_DOMAINS = (
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "gmx.de", "gmx.net", "web.de", "mailbox.org",
    "posteo.de", "protonmail.com", "fastmail.com", "free.fr", "orange.fr", "sapo.pt",
    "xs4all.nl", "r-project.org", "stat.math.ethz.ch", "ethz.ch", "fedoraproject.org",
    "debian.org",
)
_SUFFIXES = (
    "ac.uk", "co.uk", "ac.nz", "co.nz", "edu.au", "com.au", "ac.at", "edu.pl", "ac.jp",
    "co.jp", "com.br", "com", "org", "net", "edu", "gov", "info", "io", "de", "uk", "ca",
    "ch", "at", "fr", "it", "es", "pt", "nl", "be", "dk", "se", "no", "fi", "pl", "cz", "ru",
    "jp", "cn", "au", "nz", "br", "us", "eu", "ie", "il", "in",
)


def _fits(obfuscated: str, plain: str, lookalikes: dict[str, str]) -> bool:
    """Tell whether plain text could have been obfuscated into the given text."""
    if len(obfuscated) != len(plain):
        return False
    for seen, real in zip(obfuscated.lower(), plain.lower()):
        if seen != real and real not in lookalikes.get(seen, ""):
            return False
    return True


def _merge(obfuscated: str, plain: str, lookalikes: dict[str, str]) -> str:
    """Take plain's letter wherever the obfuscated text has a look-alike, else keep it."""
    return "".join(real if seen in lookalikes else seen for seen, real in zip(obfuscated, plain))


def _joined(words: list[str], separator: str) -> _Whole:
    """Join words, returning the text and the offsets where words start and where they end."""
    starts, ends, offset = set(), set(), 0
    for word in words:
        starts.add(offset)
        ends.add(offset + len(word))
        offset += len(word) + len(separator)
    return separator.join(words), frozenset(starts), frozenset(ends)


def _name_parts(name: str) -> _Names:
    """Return (local parts often made from a real name, with word edges; the name's words)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    tokens = _TOKEN.findall(folded)[:_MAX_WORDS]
    wholes: list[_Whole] = []
    for seq in (tokens, tokens[::-1]):
        wholes.extend(_joined(seq, separator) for separator in (".", "", "_", "-"))
        if len(seq) > 1:
            wholes.extend((_joined([seq[0][0], seq[-1]], ""), _joined([seq[0][0], seq[-1]], ".")))
    return wholes, tokens


def _whole_fit(obfuscated: str, lookalikes: dict[str, str],
               wholes: list[_Whole]) -> str | None:
    """Return the reading of the text as whole words of the name, if one fits."""
    width = len(obfuscated)
    for whole, starts, ends in wholes:
        for start in range(len(whole) - width + 1):
            window = whole[start:start + width]
            if start in starts and start + width in ends and _fits(obfuscated, window, lookalikes):
                return _merge(obfuscated, window, lookalikes)
    return None


def _longest_run(obfuscated: str, lookalikes: dict[str, str], words: list[str],
                 free: list[bool]) -> tuple[int, int, str] | None:
    """Find the longest stretch of free positions that reads as part of one word."""
    best: tuple[int, int, str] | None = None
    size = len(obfuscated)
    for word in words:
        for shift in range(1 - size, len(word)):  # word index = obfuscated index + shift
            first, stop = max(0, -shift), min(size, len(word) - shift)
            start = None
            for index in range(first, stop + 1):
                if (index < stop and free[index]
                        and _fits(obfuscated[index], word[index + shift], lookalikes)):
                    start = index if start is None else start
                    continue
                if start is not None and index - start >= _MIN_RUN:
                    text = word[start + shift:index + shift]
                    longer = best is None or index - start > best[1] - best[0]
                    # A stretch that decides nothing still shows where a word of the name
                    # ends, but only a longer one is safe from chance.
                    useful = text != obfuscated[start:index] or index - start > _MIN_RUN
                    if longer and useful:
                        best = (start, index, text)
                start = None
    return best


def _resolve(obfuscated: str, lookalikes: dict[str, str],
             names: _Names) -> tuple[str, bool]:
    """Undo look-alikes from the sender's name where it fits; guess the rest."""
    plain: list[str | None] = [None if char in lookalikes else char for char in obfuscated]
    if None not in plain:
        return obfuscated, True
    if len(obfuscated) > _MAX_PART:
        names = ([], [])
    whole = _whole_fit(obfuscated, lookalikes, names[0])
    if whole is not None:
        return whole, True
    free = [True] * len(obfuscated)
    edges: set[int] = set()  # positions just outside a stretch read from the name
    while (run := _longest_run(obfuscated, lookalikes, names[1], free)) is not None:
        start, stop, text = run
        plain[start:stop] = [_merge(seen, real, lookalikes)
                             for seen, real in zip(obfuscated[start:stop], text)]
        free[start:stop] = [False] * (stop - start)
        edges.update((start - 1, stop))
    certain = None not in plain
    for index, char in enumerate(obfuscated):
        if plain[index] is None:
            # Between a word of the name and the rest, a look-alike of "." is most likely one.
            dot = index in edges and 0 < index < len(plain) - 1 and "." in lookalikes[char]
            plain[index] = "." if dot else _DEFAULT_GUESS.get(char, char)
    return "".join(char or "" for char in plain), certain


def _resolve_domain(obfuscated: str, lookalikes: dict[str, str],
                    names: _Names) -> tuple[str, bool]:
    """Undo look-alikes in a domain: known domains, then a known suffix plus the name."""
    for known in _KNOWN_DOMAINS:
        if _fits(obfuscated, known, lookalikes):
            return known, True
    for suffix in _SUFFIXES:
        tail = "." + suffix
        if len(obfuscated) > len(tail) and _fits(obfuscated[-len(tail):], tail, lookalikes):
            head, certain = _resolve(obfuscated[:-len(tail)], lookalikes, names)
            return head + tail, certain
    return _resolve(obfuscated, lookalikes, names)


def _undo_dialect(address: str, name: str) -> tuple[str, bool] | None:
    """Rebuild an ETH-obfuscated address; None when the text is not in such a dialect."""
    for separator, lookalikes in _DIALECTS:
        if separator in address:
            local, _, domain = address.strip().partition(separator)
            # When there is no real name, pipermail repeats the obfuscated address instead.
            names = ([], []) if separator in name else _name_parts(name)
            local, local_certain = _resolve(local.strip(), lookalikes, names)
            domain, domain_certain = _resolve_domain(domain.strip(), lookalikes, names)
            return f"{local}@{domain}", local_certain and domain_certain
    return None


def _split_name(text: str) -> tuple[str, str]:
    """Split 'addr (Name)' or 'Name <addr>' into (address text, name text)."""
    angle = _ANGLE.match(text)
    if angle:
        return angle.group(2).strip(), angle.group(1).strip().strip('"').strip()
    comment = _TRAILING_COMMENT.match(text)
    if comment:
        return comment.group(1).strip(), comment.group(2).strip()
    return text.strip(), ""


def _deobfuscate(text: str, defects: list[str], what: str = "From") -> Address:
    """Turn an obfuscated address back into the best Address it allows."""
    address, name = _split_name(text)
    name = decode_words(name, defects, what)
    undone = _undo_dialect(address, name)
    if undone is not None:
        email, certain = undone
        guessed = "" if certain else " (partly guessed)"
        defects.append(f"{what}: obfuscated address rebuilt{guessed}")
    else:
        plain = _PLAIN_AT.fullmatch(address.strip())
        email = f"{plain.group(1)}@{plain.group(2)}" if plain else address.strip()
    if name in (address, email) or name.lower() == email.lower():
        name = ""  # pipermail repeats the address when the sender gave no name
    return Address(name, email)


def deobfuscate_address(text: str) -> Address:
    """Return the Address behind a Pipermail-obfuscated From value, guessing where needed."""
    return _deobfuscate(text, [])


def is_obfuscated(value: str) -> bool:
    """Tell whether a From value uses one of Pipermail's obfuscations."""
    if len(value) > _MAX_OBFUSCATED:
        return False
    if " at " in value and "@" not in value:
        return True
    return any(separator in value for separator, _ in _DIALECTS)


def _quick_addresses(value: str) -> list[tuple[str, str]] | None:
    """Split a list of plain mailboxes into (name, address) pairs; None when it is not one."""
    pairs = []
    pos, end = 0, len(value)
    match = _MAILBOX.match
    while pos < end:
        found = match(value, pos)
        if found is None or found.end() == pos:
            return None
        quoted, phrase, angled, bare = found.groups()
        if bare is not None:
            pairs.append(("", bare))
        else:
            pairs.append((" ".join(phrase.split()) if quoted is None else quoted, angled))
        pos = found.end()
    return pairs


def _display_name(name: str, defects: list[str], what: str) -> str:
    """Decode a display name and drop the quotes Outlook puts around it."""
    if "=?" not in name and name[0] not in "' " and name[-1] != " ":
        return name  # the common case, kept cheap: this runs for every address
    name = decode_words(name, defects, what).strip()
    if len(name) > 1 and name[0] == name[-1] == "'":
        return name[1:-1]
    return name


def parse_addresses(value: str, defects: list[str], what: str) -> tuple[Address, ...]:
    """Return the addresses of a raw (not yet word-decoded) address header."""
    if not value:
        return ()
    if is_obfuscated(value):
        return (_deobfuscate(value, defects, what),)
    pairs = _quick_addresses(value)
    if pairs is None:
        try:
            pairs = [(name, email.strip()) for name, email in getaddresses([value])
                     if name or email]
        except RecursionError:  # getaddresses recurses into nested comments: "((((..."
            pairs = []
    found = tuple([Address(_display_name(name, defects, what) if name else "", email)
                   for name, email in pairs])
    if not found and ":;" not in "".join(value.split()):  # "undisclosed-recipients:;" is fine
        defects.append(f"{what}: no address could be read")
    return found
