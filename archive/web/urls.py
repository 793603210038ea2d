"""URL pieces: the Message-ID converter and the checking of query arguments (bad ones give 400)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from flask import abort, request
from werkzeug.routing import PathConverter

# Kept literally in a Message-ID's path segment; everything else (including "/") is %-encoded.
_SAFE = "!$&'()*+,:;=@~-._"


class MessageIdConverter(PathConverter):
    """A Message-ID as one URL path segment, surviving "/", "..", quotes, "<", "&" and "%".

    "/" is encoded as %2F so that "../" inside an id is never a dot segment a browser resolves;
    servers decode it back, so the rule still has to match slashes, as a path converter does.
    An id that is only dots, or starts with "/" or "~", gets a "~" in front (taken off again).
    """

    def to_python(self, value: str) -> str:
        """Return the Message-ID a matched segment names."""
        return value[1:] if value.startswith("~") else value

    def to_url(self, value: object) -> str:
        """Return the path segment for a Message-ID."""
        text = str(value)
        if text.startswith(("~", "/")) or not text.strip("."):
            text = "~" + text
        return quote(text, safe=_SAFE)


def page_arg() -> int:
    """Return the ?page= number (1 when absent); anything but a positive whole number is a 400."""
    return positive_arg("page")


def positive_arg(name: str) -> int:
    """Return a positive whole-number query argument, 1 when absent."""
    value = request.args.get(name, "1")
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 10**9:
        abort(400, description=f"{name} must be a positive whole number, not {value[:40]!r}")
    return int(value)


def choice_arg(name: str, choices: Sequence[str], default: str) -> str:
    """Return a query argument that must be one of choices (default when absent)."""
    value = request.args.get(name, default)
    if value not in choices:
        abort(400, description=f"{name} must be one of {', '.join(choices)}, not {value[:40]!r}")
    return value
