"""Tests for ingest.html_text: HTML mail as plain text."""

from __future__ import annotations

import time

from ingest.html_text import html_to_text


def test_html_to_text_keeps_structure_and_drops_active_content() -> None:
    html = ("<html><head><style>b{}</style></head><body><h1>Minutes</h1><ul><li>one</li>"
            "<li>two &amp; three</li></ul><div>a<br/>b</div><!-- hidden -->"
            "<p><a href='https://example.org/x'><b>see</b> this</a></p>"
            "<script>evil()</script><iframe src='https://evil.example/'>x</iframe></body></html>")
    assert html_to_text(html) == "Minutes\n\none\ntwo & three\n\na\nb\n\nsee this <https://example.org/x>"


def test_html_to_text_on_a_bare_url_does_not_warn() -> None:
    assert html_to_text("https://example.org/") == "https://example.org/"  # warnings are errors


def test_html_to_text_nested_links_and_comments_in_pre() -> None:
    html = "<pre>a  b<!-- no --></pre><a href='https://a.example/'>x <a href='https://b.example/'>y</a></a>"
    text = html_to_text(html)
    assert text.startswith("a  b\n") and "no" not in text
    assert "https://b.example/" in text


def test_deeply_nested_markup_stays_linear() -> None:
    started = time.perf_counter()
    text = html_to_text("<div><a href='https://example.org/'>x" * 20000)
    assert time.perf_counter() - started < 10  # quadratic tree edits took minutes
    assert text.startswith("x\nx\n") and text.count("<https://example.org/>") == 20000


def test_br_walls_and_empty_paragraphs_collapse() -> None:
    html = "<p>a</p><p>&nbsp;</p><p>&nbsp;</p><p>b<br><br><br><br><br>c</p>"
    assert html_to_text(html) == "a\n\nb\n\n\nc"
