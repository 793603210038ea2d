"""A reader in a real headless Chromium: list, month, nested thread, quoted text, permalink, search.

Every page is checked with axe-core (bundled by axe-playwright-python) and photographed at phone
and desktop widths into test-artifacts/screenshots/, which the test run keeps for people to look at.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.web import create_app

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e '.[test]'")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is in the test extra")

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def base_url(sample_dir: Path) -> Iterator[str]:
    """Serve the sample archive with a real WSGI server on a free localhost port."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app({"DATA_DIR": str(sample_dir)}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Launch Debian's Chromium headless (run-tests.sh installs it when it is missing)."""
    executable = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not executable:
        pytest.skip("no Chromium at /usr/bin/chromium: install it with `apt-get install -y chromium` "
                    "(run-tests.sh does when it runs as root)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def pages(browser: Any) -> Iterator[dict[str, Any]]:
    """Return a phone-sized and a desktop-sized page (the phone one in dark mode)."""
    contexts = {
        name: browser.new_context(viewport=size, color_scheme="dark" if name == "phone" else "light",
                                  bypass_csp=True)
        for name, size in SIZES.items()
    }
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


def check(page: Any, name: str) -> None:
    """Photograph the page, check it with axe-core, and check it fits the screen's width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{'phone' if width < 600 else 'desktop'}.png"), full_page=True)
    results = axe_module.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"


def test_reader_walks_from_the_lists_to_a_permalink(base_url: str, pages: dict[str, Any]) -> None:
    for page in pages.values():
        page.goto(base_url + "/")
        assert page.locator("h1").inner_text() == "Mailing lists"
        check(page, "1-lists")

        page.get_by_role("link", name="lanternfish-dev", exact=True).first.click()
        assert page.url.endswith("/l/lanternfish-dev/")
        check(page, "2-list")

        page.get_by_role("link", name="January 2024, 16 messages").click()
        assert page.url.endswith("/l/lanternfish-dev/2024/01/")
        assert page.locator("h1").inner_text() == "lanternfish-dev: January 2024"
        check(page, "3-month")

        page.get_by_role("link", name="Proposal: release cadence for 0.9").click()
        assert "/t/0986b017ad37/" in page.url
        nested = page.locator("article.msg.depth-3")
        assert nested.count() == 1 and nested.is_visible()
        check(page, "4-thread")

        first_closed = page.locator("details.quote").evaluate_all("all => all.findIndex(d => !d.open)")
        collapsed = page.locator("details.quote").nth(first_closed)
        quoted = collapsed.locator("pre.quote")
        assert not quoted.is_visible()
        collapsed.locator("summary").click()
        assert collapsed.get_attribute("open") is not None and quoted.is_visible()
        check(page, "5-quote-open")

        page.locator("article.msg").nth(1).get_by_role("link", name="permalink").click()
        assert "/m/87wmsh3k2d.fsf@sato.example/" in page.url
        assert page.locator("article.msg").count() == 1
        check(page, "6-permalink")


def test_reader_searches_narrows_and_opens_a_result(base_url: str, pages: dict[str, Any]) -> None:
    for page in pages.values():
        page.goto(base_url + "/l/lanternfish-dev/")
        page.locator("header form.search input[name=q]").fill("release checklist")
        page.locator("header form.search button").click()
        assert "/search?q=release+checklist" in page.url
        assert page.locator("li.hit").count() >= 2
        assert page.locator("li.hit mark").first.is_visible()
        check(page, "7-search")

        page.locator("aside.facets").get_by_role("link", name="2024").click()
        assert page.locator("#search-q").input_value() == "release checklist d:2024"
        page.locator("#search-sort").select_option("-date")
        page.locator("form.search-page button").click()
        assert "sort=-date" in page.url
        dates = page.locator("li.hit time").evaluate_all("all => all.map(t => t.dateTime)")
        assert dates == sorted(dates, reverse=True)

        page.locator("li.hit a.subject").first.click()
        assert "/m/" in page.url and page.locator("article.msg").count() == 1


def test_reader_follows_a_meeting_from_the_series_to_the_line_in_the_log(base_url: str, pages: dict[str, Any]) -> None:
    for page in pages.values():
        page.goto(base_url + "/")
        page.locator("nav.areas").get_by_role("link", name="Meetings").click()
        assert page.url.endswith("/meetings/")
        check(page, "8-meetings")

        page.get_by_role("link", name="lanternfish_core", exact=True).click()
        page.locator("li.thread a.subject").last.click()
        assert "lanternfish_core.2024-02-13-16.00" in page.url
        assert page.locator("li.topic").count() == 3
        check(page, "9-minutes")

        agreed = page.locator("li.item-agreed").first
        agreed.locator(".meta a").click()
        assert page.url.endswith("/log#l-12")
        target = page.locator("ol.log li:target")
        assert target.count() == 1 and "Feature releases every 10 weeks" in target.inner_text()
        check(page, "10-log")

        page.locator("nav.areas").get_by_role("link", name="Actions").click()
        page.locator("#f-owner").fill("priya")
        page.locator("form.search-page button").click()
        assert "owner=priya" in page.url and page.locator("li.hit").count() == 2
        check(page, "11-actions")


def test_reader_follows_a_cited_meeting_log_and_a_review_across_the_archive(base_url: str, pages: dict[str, Any]) -> None:
    for page in pages.values():
        page.goto(base_url + "/m/Zcz9Qw1hJt6sNp3D@lanternfish.example/")
        page.locator("section.links").first.get_by_role("link", name="meeting:lanternfish_core.2024-02-13-16.00").click()
        assert page.url.endswith("/log#l-12")  # the meeting, at the line the message cited
        check(page, "12-cited-log")
        referenced = page.locator("section.links").last
        assert "Referenced by" in referenced.inner_text()
        referenced.get_by_role("link", name="Re: Proposal: release cadence for 0.9").click()
        assert "/m/Zcz9Qw1hJt6sNp3D@lanternfish.example/" in page.url

        page.goto(base_url + "/reviews/gerrit:review.lanternfish.example/4790")
        assert "read the thread" in page.locator("main").inner_text()
        mentions = page.locator("section.links").last.locator("li")
        assert mentions.count() == 2  # the 2024-03-26 meeting's #link and the April agenda
        check(page, "13-review")


def test_pages_work_by_keyboard_with_a_visible_focus(base_url: str, pages: dict[str, Any]) -> None:
    page = pages["desktop"]
    page.goto(base_url + "/t/0986b017ad37/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    summary = page.locator("details.quote summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.quote").first.get_attribute("open") is not None


def test_landmarks_and_headings_are_in_order(base_url: str, pages: dict[str, Any]) -> None:
    page = pages["desktop"]
    for url in ("/", "/l/lanternfish-dev/", "/l/lanternfish-dev/2024/03/?sort=author", "/t/0986b017ad37/",
                "/m/87wmsh3k2d.fsf@sato.example/", "/people/alice-wong/", "/l/nowhere/", "/search?q=release", "/search", "/meetings/", "/meetings/lanternfish_core/",
                "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/",
                "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/log", "/actions/", "/decisions/",
                "/reviews/gerrit:review.lanternfish.example/4790"):
        page.goto(base_url + url)
        assert page.locator("header").count() >= 1 and page.locator("main").count() == 1
        assert page.locator("footer.site").count() == 1 and page.locator("h1").count() == 1
        levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4')].map(h => +h.tagName[1])")
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), (url, levels)


@pytest.fixture
def chair_site(tmp_path: Path) -> Iterator[str]:
    """Serve a fresh copy of the sample's meetings, with a chair of lanternfish_core, on a free port."""
    from werkzeug.serving import make_server

    from archive import accounts, settings
    from tests.conftest import imported

    examples = Path(__file__).resolve().parents[1] / "examples" / "meetings"
    directory = imported(tmp_path / "site", (sorted(examples.glob("*.log.txt")), None))
    engine = settings.engine_for(settings.data_dir(directory))
    accounts.add_user(engine, "priya", "chair password", "chair", series=["lanternfish_core"])
    engine.dispose()
    server = make_server("127.0.0.1", 0, create_app({"DATA_DIR": str(directory)}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_a_chair_signs_in_and_publishes_minutes_end_to_end(chair_site: str, pages: dict[str, Any]) -> None:
    page = pages["phone"]
    page.goto(chair_site + "/meetings/lanternfish_core/")
    page.get_by_role("link", name="Sign in").click()
    page.locator("#name").fill("priya")
    page.locator("#password").fill("chair password")
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/meetings/lanternfish_core/")  # back where she was
    page.get_by_role("link", name="Publish minutes").click()
    page.locator("#text").fill("Present: priya, kenji\n#topic Release 0.9.1\n#agreed 0.9.1 ships on Friday\n"
                               "#action kenji to tag 0.9.1\n")
    page.locator("#date").fill("2024-04-09")
    page.locator("#time").fill("16:00")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview-h").locator("xpath=..").inner_text()
    assert "1 topic, 1 action items, 1 decisions" in " ".join(preview.split()) and "kenji (1)" in preview
    check(page, "14-publish-preview")
    page.get_by_role("button", name="Publish").click()
    assert page.url.endswith("/meetings/lanternfish_core/lanternfish_core.2024-04-09-16.00/")
    assert "0.9.1 ships on Friday" in page.locator("main").inner_text()
    check(page, "15-published-minutes")
    page.goto(chair_site + "/actions/?owner=kenji")
    assert "kenji to tag 0.9.1" in page.locator("ol.hits").inner_text()
    page.goto(chair_site + "/meetings/lanternfish_core/atom")
    assert "lanternfish_core.2024-04-09-16.00" in page.content()
