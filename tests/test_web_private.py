"""Private lists and series: every route, walked as an anonymous reader and as a member of another
list, shows nothing of them; their members see them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from archive import accounts, pipeline, settings
from search import indexer
from tests.conftest import DATA, client_on

EXAMPLES = DATA.parent.parent / "examples"
PRIVATE = DATA / "private"
SECRETS = ("ZEBRACODE", "QUOKKAPLAN", "zebracode-1@foundation.example", "zebracode-2", "board-private",
           "Bella Secretary", "/meetings/board/")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an archive of the public sample beside a private list and a private series."""
    directory = tmp_path_factory.mktemp("private")
    engine = settings.engine_for(settings.data_dir(directory))
    index = indexer.index_dir_for(directory)
    public = [EXAMPLES / "mail" / "lanternfish-dev.mbox", *sorted((EXAMPLES / "meetings").glob("*.log.txt")),
              *sorted((EXAMPLES / "reviews").glob("*.json"))]
    pipeline.import_paths(engine, public, workers=0, index_dir=index, index_procs=1)
    pipeline.import_paths(engine, [PRIVATE / "board-private.mbox", PRIVATE / "board.2024-03-14-16.00.log.txt"],
                          workers=0, index_dir=index, index_procs=1, private=True)
    accounts.add_user(engine, "zoe", "member password", "member", lists=["other-private"])
    accounts.add_user(engine, "bella", "member password", "member", lists=["board-private", "board"])
    engine.dispose()
    return directory


def signed_in(site: Path, name: str | None) -> FlaskClient:
    client = client_on(site)
    if name:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
        assert token
        client.post("/login", data={"name": name, "password": "member password", "csrf_token": token.group(1)})
    return client


def routes(client: FlaskClient) -> list[str]:
    """Return a URL for every page of the app, aimed at the private content where it takes an argument."""
    thread = "/t/" + re.search(r'href="/t/([0-9a-f]+)/', signed_in_bella_page(client)).group(1)  # type: ignore[union-attr]
    message, meeting = "/m/zebracode-1@foundation.example", "/meetings/board/board.2024-03-14-16.00"
    review = "/reviews/gerrit:review.lanternfish.example/4790"
    urls = ["/", "/actions/", "/actions/atom", "/actions/calendar.ics", "/decisions/", "/decisions/atom",
            "/l/board-private/", "/l/board-private/2024/03/", "/l/board-private/2024/03.mbox.gz", "/l/board-private/atom",
            f"{message}/", f"{message}/raw", f"{message}/part/0", "/meetings/", "/meetings/board/", f"{meeting}/",
            f"{meeting}/log", f"{meeting}/log.txt", f"{meeting}/minutes.eml", f"{meeting}/minutes.md",
            f"{meeting}/minutes.txt", "/meetings/board/atom", "/people/bella-secretary/", "/people/jane-okafor/",
            review, "/refs/msgid:zebracode-1@foundation.example", "/search?q=ZEBRACODE", "/search?q=QUOKKAPLAN",
            "/search?q=salary", "/search?q=kind:decision", "/search?q=ZEBRACOD", "/search?q=zebracodes+QUOKKAPLANS", "/search/atom?q=ZEBRACODE", "/search/mbox.gz?q=ZEBRACODE",
            f"{thread}/", f"{thread}.mbox.gz", f"{thread}/atom", "/l/lanternfish-dev/",
            "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/", "/login", "/admin/audit",
            "/meetings/board/publish", f"{meeting}/edit"]
    return urls + ["/api" + url for url in urls if not url.startswith(("/login", "/admin", "/search/", "/meetings/board/publish"))]


def signed_in_bella_page(client: FlaskClient) -> str:
    """Return the private list's page as its member sees it (to learn its thread's id)."""
    return BELLA_PAGES.setdefault("list", "")


BELLA_PAGES: dict[str, str] = {}


def test_every_route_every_reader_may_not_see_shows_nothing_private(site: Path) -> None:
    bella = signed_in(site, "bella")
    BELLA_PAGES["list"] = bella.get("/l/board-private/").get_data(as_text=True)
    assert "ZEBRACODE salary review" in BELLA_PAGES["list"]  # its member sees it
    for reader in (None, "zoe"):
        client = signed_in(site, reader)
        for url in routes(client):
            response = client.get(url)
            body = response.get_data(as_text=True) if not url.endswith(".gz") else _gunzip(response.data)
            for secret in SECRETS:
                if secret not in url:  # a page may repeat what the reader typed (a 404 saying what was not found)
                    assert secret not in body, (reader, url, response.status_code, secret)


def test_its_members_see_the_private_list_and_series_everywhere(site: Path) -> None:
    bella = signed_in(site, "bella")
    assert "ZEBRACODE" in bella.get("/search?q=ZEBRACODE").get_data(as_text=True)
    assert "QUOKKAPLAN" in bella.get("/meetings/board/board.2024-03-14-16.00/").get_data(as_text=True)
    assert "the ZEBRACODE salary bands are approved" in bella.get("/decisions/").get_data(as_text=True)
    review = bella.get("/reviews/gerrit:review.lanternfish.example/4790").get_data(as_text=True)
    assert "Board only: ZEBRACODE salary review" in review  # the private mention, for those who may see it
    assert "board-private" in bella.get("/").get_data(as_text=True)


def test_covers_every_page_the_app_has(site: Path) -> None:
    from archive.web import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(site)})
    walked = {re.sub(r"<[^>]+>", "X", rule.rule) for rule in app.url_map.iter_rules()
              if "GET" in rule.methods and rule.endpoint != "static" and not rule.rule.startswith("/api")}
    urls = routes(client_on(site))
    shapes = {url.split("?")[0] for url in urls}
    for rule in walked:
        pattern = "^" + re.escape(rule).replace("X", "[^?]+") + "$"
        assert any(re.match(pattern, shape) for shape in shapes), f"the walk misses {rule}"


def _gunzip(data: bytes) -> str:
    import gzip

    try:
        return gzip.decompress(data).decode("utf-8", "replace")
    except OSError:
        return data.decode("utf-8", "replace")


def test_counts_charts_and_suggestions_give_nothing_away(site: Path) -> None:
    anonymous, bella = signed_in(site, None), signed_in(site, "bella")
    assert "Did you mean" not in anonymous.get("/search?q=salery").get_data(as_text=True)  # "salary" is private
    assert "Did you mean" in bella.get("/search?q=salery").get_data(as_text=True)
    public = [row for row in anonymous.get("/api/").get_json()["lists"] if row["name"] == "lanternfish-dev"]
    assert public and public[0]["messages"] == 34
