"""The scrutiny pages and API over HTTP: the officer runs the cycle, a
councillor reads (exempt papers included) but cannot change anything, forms
keep what was typed and name the field, uploads are checked, approved minutes
refuse changes, overdue actions are flagged, figures are frozen."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from casebook.scrutiny import documents
from casebook.settings import Settings
from casebook.web.app import create_app
from tests.e2e.webkit import PASSWORD, csrf_from, make_user


def _client(engine, username: str | None, data_dir) -> TestClient:
    client = TestClient(create_app(engine, Settings(data_dir=data_dir)), follow_redirects=False)
    if username:
        page = client.get("/sign-in")
        reply = client.post(
            "/sign-in",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        )
        assert reply.status_code == 303
    return client


@pytest.fixture(scope="module")
def people(engine):
    return {
        "officer": make_user(engine, "scrutiny_officer"),
        "councillor": make_user(engine, "councillor"),
        "worker": make_user(engine, "social_worker"),
    }


@pytest.fixture
def officer(engine, people, tmp_path):
    return _client(engine, people["officer"], tmp_path)


def _token(client: TestClient) -> str:
    return csrf_from(client.get("/scrutiny").text)


def _post(client, url, data, files=None):
    return client.post(url, data={"csrf_token": _token(client), **data}, files=files)


def _id_from(reply, kind: str) -> str:
    assert reply.status_code == 303, reply.text[:2000]
    match = re.search(rf"/scrutiny/{kind}/([0-9a-f]+)", reply.headers["location"])
    assert match, reply.headers["location"]
    return match.group(1)


def _day(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}-day": str(day.day),
        f"{prefix}-month": str(day.month),
        f"{prefix}-year": str(day.year),
    }


def _setup(client, name=None) -> tuple[str, str]:
    name = name or f"Panel {uuid.uuid4().hex[:6]}"
    body = _id_from(
        _post(
            client,
            "/scrutiny/bodies",
            {"body-name": name, "body-kind": "scrutiny_panel", "body-quorum": "2"},
        ),
        "bodies",
    )
    meeting = _id_from(
        _post(
            client,
            f"/scrutiny/bodies/{body}/meetings",
            {
                **_day("meeting-meeting_date", date.today() + timedelta(days=30)),
                "meeting-start_time": "18:00",
                "meeting-venue": "Room 1",
                "meeting-mode": "in_room",
                "meeting-public": "Y",
            },
        ),
        "meetings",
    )
    return body, meeting


def test_a_form_with_errors_names_the_field_and_keeps_what_was_typed(officer):
    reply = _post(
        officer,
        "/scrutiny/bodies",
        {"body-name": "Kept Panel Name", "body-kind": "", "body-quorum": "many"},
    )
    assert reply.status_code == 422
    assert 'href="#body-kind"' in reply.text and 'href="#body-quorum"' in reply.text
    assert 'value="Kept Panel Name"' in reply.text
    assert "Quorum must be a whole number" in reply.text


def test_the_officer_builds_and_publishes_an_agenda(officer):
    body, meeting = _setup(officer)
    reply = _post(
        officer,
        f"/scrutiny/meetings/{meeting}/items",
        {"item-number": "1", "item-title": "Open item", "item-page_from": "3", "item-page_to": "8"},
    )
    assert reply.status_code == 303
    reply = _post(
        officer, f"/scrutiny/meetings/{meeting}/items", {"item-number": "1", "item-title": "Clash"}
    )
    assert reply.status_code == 422 and "item 1 is already on the agenda" in reply.text
    assert _post(officer, f"/scrutiny/meetings/{meeting}/publish", {}).status_code == 303
    page = officer.get(f"/scrutiny/meetings/{meeting}")
    assert "Version 1" in page.text and "Open item" in page.text
    # every form on the pages carries the session's token, not an empty one
    item = re.search(r"/scrutiny/items/([0-9a-f]+)", page.text)[1]
    for url in (
        f"/scrutiny/meetings/{meeting}",
        f"/scrutiny/bodies/{body}",
        f"/scrutiny/items/{item}",
        "/scrutiny",
        "/scrutiny/actions",
        f"/scrutiny/bodies/{body}/work-programme",
    ):
        text = officer.get(url).text
        assert text.count('name="csrf_token"') > 1, url
        assert 'name="csrf_token" value=""' not in text, url
    reply = _post(officer, f"/scrutiny/meetings/{meeting}/publish", {})
    assert reply.status_code == 422 and "publish-reason" in reply.text


def test_the_deadline_warning_shows_on_the_meeting_page(officer):
    body = _id_from(
        _post(
            officer,
            "/scrutiny/bodies",
            {"body-name": f"Late {uuid.uuid4().hex[:6]}", "body-kind": "board"},
        ),
        "bodies",
    )
    meeting = _id_from(
        _post(
            officer,
            f"/scrutiny/bodies/{body}/meetings",
            {
                **_day("meeting-meeting_date", date.today() + timedelta(days=2)),
                "meeting-mode": "in_room",
            },
        ),
        "meetings",
    )
    page = officer.get(f"/scrutiny/meetings/{meeting}")
    assert "govuk-warning-text" in page.text and "has passed" in page.text
    assert "Deadline missed" in officer.get("/scrutiny").text


def test_quorum_is_shown_on_the_roll(officer):
    body, meeting = _setup(officer)
    for name in ("Ada One", "Bea Two"):
        _post(
            officer,
            f"/scrutiny/bodies/{body}/members",
            {"member-name": name, "member-role": "member", "member-voting": "Y"},
        )
    page = officer.get(f"/scrutiny/meetings/{meeting}").text
    assert "Not quorate" in page
    members = re.findall(r'<option value="([0-9a-f]{32})"[^>]*>(Ada One|Bea Two)</option>', page)
    for member_id, _ in dict((m, n) for m, n in members).items():
        reply = _post(
            officer,
            f"/scrutiny/meetings/{meeting}/roll",
            {"roll-kind": "member", "roll-member_id": member_id, "roll-status": "present_room"},
        )
        assert reply.status_code == 303
    assert (
        "2 of 2 voting members needed are present: quorate"
        in officer.get(f"/scrutiny/meetings/{meeting}").text
    )


def test_documents_are_checked_on_upload_and_councillors_read_them(
    engine, people, officer, tmp_path, monkeypatch
):
    body, meeting = _setup(officer)
    _post(
        officer, f"/scrutiny/meetings/{meeting}/items", {"item-number": "1", "item-title": "Paper"}
    )
    item = re.search(
        r'/scrutiny/items/([0-9a-f]+)">Paper', officer.get(f"/scrutiny/meetings/{meeting}").text
    )[1]
    url = f"/scrutiny/items/{item}/documents"
    pdf = b"%PDF-1.4\n% synthetic\n"
    reply = _post(
        officer,
        url,
        {"document-title": "The report"},
        files={"document-file": ("rapport-été-报告.pdf", pdf, "application/pdf")},
    )
    assert reply.status_code == 303
    reply = _post(
        officer,
        url,
        {"document-title": "Disguised"},
        files={"document-file": ("report.pdf", b"MZ\x90binary", "application/pdf")},
    )
    assert reply.status_code == 422 and "must be a PDF or a Word document" in reply.text
    assert 'value="Disguised"' in reply.text
    monkeypatch.setattr(documents, "MAX_BYTES", 100)
    reply = _post(
        officer,
        url,
        {},
        files={"document-file": ("big.pdf", b"%PDF-" + b"x" * 500, "application/pdf")},
    )
    assert reply.status_code == 422 and "too big" in reply.text
    reply = _post(officer, url, {})
    assert reply.status_code == 422 and "empty or missing" in reply.text
    doc = re.search(
        r"/scrutiny/documents/([0-9a-f]+)", officer.get(f"/scrutiny/items/{item}").text
    )[1]
    councillor = _client(engine, people["councillor"], tmp_path)
    download = councillor.get(f"/scrutiny/documents/{doc}")
    assert download.status_code == 200 and download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    assert (
        "UTF-8''rapport-%C3%A9t%C3%A9-%E6%8A%A5%E5%91%8A.pdf"
        in download.headers["content-disposition"]
    )


def test_a_councillor_reads_exempt_papers_but_changes_nothing(engine, people, officer, tmp_path):
    body, meeting = _setup(officer)
    _post(
        officer,
        f"/scrutiny/meetings/{meeting}/items",
        {"item-number": "1", "item-title": "Secret contract award", "item-exempt": "Y"},
    )
    _post(officer, f"/scrutiny/meetings/{meeting}/publish", {})
    councillor = _client(engine, people["councillor"], tmp_path)
    assert "Secret contract award" in councillor.get(f"/scrutiny/meetings/{meeting}/published").text
    token = csrf_from(councillor.get("/scrutiny").text)
    reply = councillor.post(
        f"/scrutiny/meetings/{meeting}/items",
        data={"csrf_token": token, "item-number": "2", "item-title": "x"},
    )
    assert reply.status_code == 403
    worker = _client(engine, people["worker"], tmp_path)
    assert worker.get(f"/scrutiny/meetings/{meeting}").status_code == 403


def test_approved_minutes_refuse_changes_over_the_web(officer):
    body, meeting = _setup(officer)
    reply = _post(
        officer,
        f"/scrutiny/meetings/{meeting}/minutes",
        {
            "minute-number": "5",
            "minute-title": "Budget",
            "minute-narrative": "Asked.",
            "minute-resolutions": "Noted.\nRecommendation: Cabinet to review.",
        },
    )
    assert reply.status_code == 303
    page = officer.get(f"/scrutiny/meetings/{meeting}").text
    minutes_id = re.search(r"/scrutiny/minutes/([0-9a-f]+)/approve", page)[1]
    item_id = re.search(r"/scrutiny/minute-items/([0-9a-f]+)", page)[1]
    reply = _post(
        officer, f"/scrutiny/minutes/{minutes_id}/approve", _day("approve-on", date.today())
    )
    assert reply.status_code == 303
    reply = _post(officer, f"/scrutiny/minute-items/{item_id}", {"mi5-narrative": "Rewritten"})
    assert reply.status_code == 409
    reply = _post(officer, f"/scrutiny/minutes/{minutes_id}/correct", {"correct-reason": "Typo"})
    assert reply.status_code == 303
    page = officer.get(f"/scrutiny/meetings/{meeting}").text
    assert "Version 2" in page and "Correction: Typo" in page


def test_overdue_actions_are_flagged_to_the_scrutiny_officer(officer):
    body, meeting = _setup(officer)
    _post(
        officer,
        f"/scrutiny/meetings/{meeting}/minutes",
        {"minute-number": "1", "minute-title": "Travel", "minute-resolutions": "Report back."},
    )
    page = officer.get(f"/scrutiny/meetings/{meeting}").text
    key = re.search(r'name="action-resolution_key" value="([^"]+)"', page)[1]
    description = f"Overdue thing {uuid.uuid4().hex[:6]}"
    reply = _post(
        officer,
        "/scrutiny/actions",
        {
            "action-resolution_key": key,
            "action-description": description,
            "action-owner": "Head of Travel",
            "action-back": f"/scrutiny/meetings/{meeting}",
            **_day("action-due_date", date.today() - timedelta(days=2)),
        },
    )
    assert reply.status_code == 303
    dashboard = officer.get("/scrutiny").text
    assert "overdue" in dashboard and description in dashboard
    assert description in officer.get("/scrutiny/actions?overdue=true").text
    reply = _post(officer, "/scrutiny/actions", {"action-description": "x"})
    assert reply.status_code == 422 and "action-owner" in reply.text


def test_the_api_reads_meetings_freezes_figures_and_refuses_stale_updates(officer):
    body, meeting = _setup(officer)
    headers = {"X-CSRF-Token": _token(officer)}
    reply = officer.post(
        f"/api/scrutiny/meetings/{meeting}/items",
        headers=headers,
        json={"number": 1, "title": "Scorecard"},
    )
    assert reply.status_code == 201
    item = reply.json()["id"]
    reply = officer.post(
        f"/api/scrutiny/items/{item}/figures",
        headers=headers,
        json={
            "title": "Children in care",
            "figures": [{"label": "A", "count": 4}, {"label": "B", "count": 40}],
        },
    )
    assert reply.status_code == 200
    assert [f["value"] for f in reply.json()["figures"]] == ["c", 40]
    data = officer.get(f"/api/scrutiny/meetings/{meeting}").json()
    assert data["items"][0]["title"] == "Scorecard" and data["quorum"]["required"] == 2
    reply = officer.post(f"/api/scrutiny/meetings/{meeting}/items", headers=headers, json={})
    assert reply.status_code == 422
    assert {e["field"] for e in reply.json()["errors"]} >= {"number", "title"}
    action = officer.post(
        "/api/scrutiny/actions",
        headers=headers,
        json={
            "body_id": body,
            "asked": "A briefing",
            "description": "Brief",
            "owner": "Head",
            "due_date": "2030-01-01",
        },
    ).json()
    reply = officer.post(
        f"/api/scrutiny/actions/{action['id']}",
        headers=headers,
        json={"response": "x", "expected_version": action["version"] + 5},
    )
    assert reply.status_code == 409
    assert officer.get("/api/scrutiny/nonexistent").status_code == 404


def test_the_notice_setting_the_end_of_a_term_and_changing_an_item(officer):
    reply = _post(officer, "/scrutiny/settings", {"settings-clear_days": "lots"})
    assert reply.status_code == 422 and "Clear days must be a whole number" in reply.text
    assert _post(officer, "/scrutiny/settings", {"settings-clear_days": "5"}).status_code == 303
    body, meeting = _setup(officer)
    _post(
        officer,
        f"/scrutiny/bodies/{body}/members",
        {"member-name": "Leaving Member", "member-role": "member"},
    )
    page = officer.get(f"/scrutiny/bodies/{body}").text
    member = re.search(r"/scrutiny/members/([0-9a-f]+)/end-term", page)[1]
    assert _post(officer, f"/scrutiny/members/{member}/end-term", {}).status_code == 303
    assert "Former members: Leaving Member" in officer.get(f"/scrutiny/bodies/{body}").text
    _post(
        officer,
        f"/scrutiny/meetings/{meeting}/items",
        {"item-number": "1", "item-title": "Draft title", "item-exempt": "Y"},
    )
    item = re.search(
        r"/scrutiny/items/([0-9a-f]+)", officer.get(f"/scrutiny/meetings/{meeting}").text
    )[1]
    reply = _post(
        officer, f"/scrutiny/items/{item}", {"item-number": "1", "item-title": "Final title"}
    )
    assert reply.status_code == 303
    page = officer.get(f"/scrutiny/items/{item}").text
    assert "Final title" in page and "Part 2 – exempt" not in page  # the unticked box clears it


def test_a_pack_imported_through_the_page_and_a_broken_one_named_by_line(officer):
    from tests.unit.test_scrutiny_rules import SYNTHETIC

    name = f"Imported Panel {uuid.uuid4().hex[:6]}"
    broken = SYNTHETIC.replace("Corporate Parenting Panel", name).replace("4 March 2026", "soon")
    reply = _post(
        officer,
        "/scrutiny/import",
        {},
        files={"import-file": ("pack.txt", broken.encode(), "text/plain")},
    )
    assert reply.status_code == 422 and "pack.txt, line 4" in reply.text
    assert name not in officer.get("/scrutiny").text  # nothing written
    reply = _post(
        officer,
        "/scrutiny/import",
        {},
        files={
            "import-file": (
                "pack.txt",
                SYNTHETIC.replace("Corporate Parenting Panel", name).encode(),
                "text/plain",
            )
        },
    )
    meeting = _id_from(reply, "meetings")
    page = officer.get(f"/scrutiny/meetings/{meeting}").text
    assert "Residential Contract Award" in page and "Part 2 – exempt" in page
    reply = _post(
        officer,
        "/scrutiny/import",
        {},
        files={"import-file": ("x.txt", b"\xff\xfe\x00binary", "text/plain")},
    )
    assert reply.status_code == 422 and "must be text" in reply.text
    assert _post(officer, "/scrutiny/import", {}).status_code == 422
