"""Script in every field an attacker controls, on every kind of page: it is shown as text, never run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import DATA, client_on, imported

XSS = DATA / "xss"
# What would run if it reached the page as markup: a script, an event handler, a javascript: link.
LIVE = re.compile(r"<script|<iframe|<[a-z]+[^<>]*\s(?:onerror|onload|onmouseover)\s*=|<[a-z]+[^<>]*\s(?:href|src)=[\"']?\s*javascript:",
                  re.IGNORECASE)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    directory = imported(tmp_path_factory.mktemp("xss"), ([XSS / "hostile.mbox", XSS / "xss_core.2024-04-02-16.00.log.txt"],
                                                          "hostile"))
    return client_on(directory)


def pages(client: FlaskClient) -> list[str]:
    """Return every page kind the hostile data appears on, found by following the archive's own links."""
    thread = re.search(r'href="(/t/[^"/]+/)', client.get("/l/hostile/").get_data(as_text=True))
    assert thread, "the list links its thread"
    message = re.search(r'href="(/m/[^"]+/)"', client.get(thread.group(1)).get_data(as_text=True))
    assert message, "the thread links its message"
    return ["/", "/l/hostile/", "/l/hostile/2024/04/", thread.group(1), message.group(1), "/search?q=alert",
            "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", "/actions/", "/decisions/", "/meetings/", "/meetings/xss_core/",
            "/meetings/xss_core/xss_core.2024-04-02-16.00/", "/meetings/xss_core/xss_core.2024-04-02-16.00/log",
            "/refs/gerrit:review.opendev.org/1", "/people/mallory-evil/", "/l/hostile/atom", "/login?next=javascript:alert(1)"]


def test_no_page_runs_what_an_attacker_wrote(client: FlaskClient) -> None:
    for url in pages(client):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = response.get_data(as_text=True)
        head, _, rest = body.partition("</head>")
        assert not LIVE.search(rest or head), (url, LIVE.search(rest or head))
        if response.mimetype == "text/html":
            assert "script-src" not in response.headers["Content-Security-Policy"]  # no script may run at all


def test_the_json_twins_carry_the_text_as_data(client: FlaskClient) -> None:
    response = client.get("/api/l/hostile/")
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
    subjects = [thread["subject"] for thread in response.get_json()["threads"]]
    assert subjects == ["<script>alert('subject')</script> ACTION items \"quoted\" & more"]  # the text, as data


def test_an_attachment_with_a_hostile_name_is_a_download(client: FlaskClient) -> None:
    message = re.search(r'href="(/m/[^"]+/)part/(\d+)"', client.get(pages(client)[4]).get_data(as_text=True))
    assert message is not None
    response = client.get(f"{message.group(1)}part/{message.group(2)}")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in response.headers["Content-Security-Policy"]
