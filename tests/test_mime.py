"""Tests for ingest.mime: Pipermail's scrubbed-attachment stubs."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from archive.models import Attachment
from ingest.mime import scrubbed_attachments

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def test_scrubbed_stubs() -> None:
    body = ("Text.\n-------------- next part --------------\n"
            "An HTML attachment was scrubbed...\n"
            "URL: <https://stat.ethz.ch/pipermail/r-devel/attachments/20190201/abc/attachment.html>\n"
            "-------------- next part --------------\n"
            "An embedded and charset-unspecified text was scrubbed...\n"
            "Name: not available\n"
            "Url: https://stat.ethz.ch/pipermail/r-devel/attachments/20050803/913e5faa/attachment.pl\n")
    assert scrubbed_attachments(body) == (
        Attachment(-1, "attachment.html", "text/html", 0),
        Attachment(-1, "attachment.pl", "text/plain", 0),
    )
    assert scrubbed_attachments("no stubs here") == ()


def test_scrubbed_stubs_in_the_real_r_devel_archive() -> None:
    folder = CORPORA / "r-devel-pipermail"
    if not folder.is_dir():
        pytest.skip(f"shared corpus not found at {folder}")
    text = gzip.decompress((folder / "2019-February.txt.gz").read_bytes()).decode("utf-8", "replace")
    stubs = scrubbed_attachments(text)
    assert len(stubs) == text.count("was scrubbed...")
    assert Attachment(-1, "models.R.diff", "text/x-patch", 2138) in stubs
    assert Attachment(-1, "signature.asc", "application/pgp-signature", 833) in stubs
