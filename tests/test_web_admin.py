"""Signing in, CSRF, marking items, removing messages and the audit log, through the Flask test client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from archive import accounts, settings
from tests.conftest import DATA, client_on, imported

EXAMPLES = DATA.parent.parent / "examples"
MEETING_ITEM = "lanternfish_core/lanternfish_core.2024-02-13-16.00#20"  # "priya to draft the release checklist"
REMOVED = "Zcz9Qw1hJt6sNp3D@lanternfish.example"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Return a fresh copy of the sample archive with an admin, a chair and a member."""
    directory = imported(tmp_path / "site", ([EXAMPLES / "mail" / "lanternfish-dev.mbox",
                                              *sorted((EXAMPLES / "meetings").glob("*.log.txt"))], None))
    engine = settings.engine_for(settings.data_dir(directory))
    accounts.add_user(engine, "root", "admin password", "admin")
    accounts.add_user(engine, "priya", "chair password", "chair", series=["lanternfish_core"])
    accounts.add_user(engine, "zoe", "member password", "member")
    engine.dispose()
    return directory


def csrf(client: FlaskClient, url: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found, f"no form on {url}"
    return found.group(1)


def sign_in(client: FlaskClient, name: str, password: str) -> int:
    token = csrf(client, "/login")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token}).status_code


def test_a_form_without_its_csrf_token_is_refused(site: Path) -> None:
    client = client_on(site, WTF_CSRF_ENABLED=True)
    assert client.post("/login", data={"name": "root", "password": "admin password"}).status_code == 400
    assert sign_in(client, "root", "admin password") == 303
    assert client.post("/actions/mark", data={"item": MEETING_ITEM, "status": "done"}).status_code == 400


def test_signing_in_is_rate_limited_and_wrong_passwords_say_so(site: Path) -> None:
    client = client_on(site)
    assert [sign_in(client, "root", "wrong password") for _ in range(5)] == [401] * 5
    assert sign_in(client, "root", "admin password") == 429  # even the right one, for a minute
    response = client_on(site).get("/login")
    assert "Set-Cookie" not in response.headers or "HttpOnly" in response.headers["Set-Cookie"]


def test_a_chair_marks_their_series_items_and_only_theirs(site: Path) -> None:
    client = client_on(site)
    assert client.get("/actions/").get_data(as_text=True).count('class="mark"') == 0  # nobody signed in
    assert sign_in(client, "priya", "chair password") == 303
    page = client.get("/actions/").get_data(as_text=True)
    assert page.count('class="mark"') == 4  # the meeting items, not the ones from mail
    token = csrf(client, "/actions/")
    response = client.post("/actions/mark", data={"item": MEETING_ITEM, "status": "dropped", "note": "not needed",
                                                  "csrf_token": token})
    assert response.status_code == 303
    dropped = client.get("/actions/?status=dropped").get_data(as_text=True)
    assert "marked dropped by priya" in dropped and "“not needed”" in dropped
    client.post("/actions/mark", data={"item": MEETING_ITEM, "status": "open", "owners": "kenji, zoe", "csrf_token": token})
    reassigned = client.get("/actions/?owner=zoe").get_data(as_text=True)
    assert "priya to draft the release checklist" in reassigned and "marked open by priya" in reassigned
    mail_item = re.search(r'name="item" value="([^"]+@[^"]+)"', client_on_admin(site).get("/actions/").get_data(as_text=True))
    assert mail_item is not None
    assert client.post("/actions/mark", data={"item": mail_item.group(1), "status": "done",
                                              "csrf_token": token}).status_code == 403


def client_on_admin(site: Path) -> FlaskClient:
    client = client_on(site)
    assert sign_in(client, "root", "admin password") == 303
    return client


def test_an_admin_removes_a_message_everywhere_and_the_audit_log_shows_it(site: Path) -> None:
    client = client_on_admin(site)
    anonymous = client_on(site)
    token = csrf(anonymous, "/login")
    assert anonymous.post("/admin/remove", data={"message_id": REMOVED, "csrf_token": token}).status_code == 401
    member = client_on(site)
    sign_in(member, "zoe", "member password")
    assert member.get("/admin/audit").status_code == 403
    thread = client.get(f"/m/{REMOVED}/").get_data(as_text=True)
    thread_url = re.search(r'href="(/t/[0-9a-f]+/)', thread).group(1)  # type: ignore[union-attr]
    token = csrf(client, f"/m/{REMOVED}/")
    response = client.post("/admin/remove", data={"message_id": REMOVED, "mode": "delete", "note": "posted by mistake",
                                                  "csrf_token": token})
    assert response.status_code == 303
    gone = client.get(f"/m/{REMOVED}/")
    assert gone.status_code == 410 and "posted by mistake" in gone.get_data(as_text=True)
    assert client.get(f"/m/{REMOVED}/raw").status_code == 404
    assert REMOVED not in client.get(thread_url, follow_redirects=True).get_data(as_text=True).replace("missing", "")
    assert client.get("/api/search?q=m:" + REMOVED).get_json()["hits"] == []
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "remove (delete)" in audit and REMOVED in audit and "root" in audit and "sign in" in audit


def test_a_chair_edits_unpublishes_and_downloads_minutes_of_their_series_only(site: Path) -> None:
    minutes = "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/"
    email = client_on(site).get(minutes + "minutes.eml")
    assert email.mimetype == "message/rfc822" and b"Subject: Minutes of the lanternfish_core meeting, 2024-02-13" in email.data
    outsider = client_on(site)
    sign_in(outsider, "zoe", "member password")
    assert outsider.get(minutes + "edit").status_code == 403
    client = client_on(site)
    sign_in(client, "priya", "chair password")
    form = client.get(minutes + "edit").get_data(as_text=True)
    assert "#startmeeting" in form  # the stored log, to correct
    token = csrf(client, minutes + "edit")
    log = client.get(minutes + "log.txt").get_data(as_text=True).replace("priya to draft the release checklist",
                                                                        "priya to draft the release checklist by Friday")
    saved = client.post(minutes + "edit", data={"text": log, "step": "publish", "csrf_token": token})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(minutes)
    page = client.get(minutes).get_data(as_text=True)
    assert "Edited 1 time; last by priya" in page and "release checklist by Friday" in page
    assert client.post(minutes + "unpublish", data={"csrf_token": token}).status_code == 303
    assert client.get(minutes).status_code == 404
    audit = client_on_admin(site).get("/admin/audit").get_data(as_text=True)
    assert "edit minutes" in audit and "unpublish minutes" in audit


def test_an_admin_redacts_a_passage_from_page_index_and_raw_bytes(site: Path) -> None:
    client = client_on_admin(site)
    secret = "two-week stabilisation window"
    assert secret in client.get(f"/m/{REMOVED}/").get_data(as_text=True)
    token = csrf(client, f"/m/{REMOVED}/")
    assert client.post("/admin/redact", data={"message_id": REMOVED, "text": secret, "csrf_token": token}).status_code == 303
    page = client.get(f"/m/{REMOVED}/").get_data(as_text=True)
    assert secret not in page and "[redacted]" in page
    assert client.get(f"/m/{REMOVED}/raw").status_code == 404  # the original bytes could hold it in any encoding
    hits = client.get('/api/search?q="stabilisation window"').get_json()["hits"]
    assert all(hit["id"] != REMOVED for hit in hits)  # other messages may quote it; this one no longer holds it
    assert "redact" in client.get("/admin/audit").get_data(as_text=True)


def test_a_chair_sends_the_minutes_through_the_configured_smtp_server(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, list[str], bytes]] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            assert (host, port) == ("smtp.lanternfish.example", 2525)

        def __enter__(self) -> "FakeSMTP":
            return self

        def __exit__(self, *_: object) -> None:
            return None

        def sendmail(self, sender: str, to: list[str], data: bytes) -> None:
            sent.append((sender, to, data))

    monkeypatch.setattr("archive.web.publish.smtplib.SMTP", FakeSMTP)
    client = client_on(site, SMTP_HOST="smtp.lanternfish.example", SMTP_PORT=2525, MINUTES_FROM="minutes@lanternfish.example",
                       MEETING_LISTS={"lanternfish_core": "lanternfish-dev@lists.lanternfish.example"})
    sign_in(client, "priya", "chair password")
    minutes = "/meetings/lanternfish_core/lanternfish_core.2024-02-13-16.00/"
    token = csrf(client, minutes)
    assert "Send to the list" in client.get(minutes).get_data(as_text=True)
    assert client.post(minutes + "send", data={"csrf_token": token}).status_code == 303
    (sender, to, data), = sent
    assert (sender, to) == ("minutes@lanternfish.example", ["lanternfish-dev@lists.lanternfish.example"])
    assert b"Subject: Minutes of the lanternfish_core meeting, 2024-02-13" in data


def test_an_admin_removes_a_whole_thread_and_its_subject_goes_too(site: Path) -> None:
    client = client_on_admin(site)
    page = client.get(f"/m/{REMOVED}/").get_data(as_text=True)
    thread_id = re.search(r'href="/t/([0-9a-f]+)/', page).group(1)  # type: ignore[union-attr]
    token = csrf(client, f"/t/{thread_id}/")
    response = client.post("/admin/remove-thread", data={"thread_id": thread_id, "mode": "hide", "note": "spam thread",
                                                         "csrf_token": token})
    assert response.status_code == 303
    assert client.get(f"/t/{thread_id}/").status_code == 404
    assert client.get(f"/m/{REMOVED}/").status_code == 410
    assert "Proposal: release cadence for 0.9" not in client.get("/l/lanternfish-dev/").get_data(as_text=True)
