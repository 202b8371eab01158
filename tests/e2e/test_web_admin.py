"""Administration: the access log and user accounts, pages and API."""

from __future__ import annotations

import re
import uuid

from sqlalchemy.orm import Session

from casebook.access.models import AppUser
from tests.e2e.test_web_front_door import mash_worker, new_person, record_contact
from tests.e2e.webkit import PASSWORD, client_for, csrf_from, make_user, signed_in


def test_admin_sees_a_contact_view_in_the_access_log(engine):
    child = new_person(engine)
    worker = mash_worker(engine)
    mash = signed_in(engine, worker)
    contact_id = record_contact(mash, child)
    assert mash.get(f"/front-door/contacts/{contact_id}").status_code == 200

    admin = signed_in(engine, make_user(engine, "administrator"))
    page = admin.get("/admin/access-log", params={"person_id": child})
    assert page.status_code == 200
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page.text, re.S)
    views = [r for r in rows if worker in r and ">view<" in r]
    assert views, page.text
    assert f"/front-door/contacts/{contact_id}" in views[0]
    by_user = admin.get("/admin/access-log", params={"username": worker})
    assert child in by_user.text
    nobody = admin.get("/admin/access-log", params={"username": "no-such-user"})
    assert "No entries match the filter" in nobody.text

    api = admin.get("/api/access-log", params={"person_id": child})
    assert api.status_code == 200
    assert {(e["username"], e["action"]) for e in api.json()} >= {(worker, "view")}
    assert admin.get("/api/access-log", params={"limit": 0}).status_code == 422


def test_admin_creates_a_user_who_can_sign_in(engine):
    admin = signed_in(engine, make_user(engine, "administrator"))
    page = admin.get("/admin/users")
    assert page.status_code == 200
    username = f"new.officer-{uuid.uuid4().hex[:6]}"
    reply = admin.post(
        "/admin/users",
        data={
            "username": username,
            "display_name": "Ivo Marsh",
            "role": "partner",
            "agency": "police",
            "job_title": "Detective constable",
            "password": PASSWORD,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert reply.status_code == 303, reply.text
    listed = admin.get(reply.headers["location"])
    assert f"{username} can now sign in" in listed.text
    assert "Partner agency officer (MASH)" in listed.text
    with Session(engine) as s:
        account = s.get(AppUser, username)
        assert account.role == "partner" and account.agency == "police"
        assert PASSWORD not in account.password_hash
    assert signed_in(engine, username).get("/partner").status_code == 200


def test_a_bad_user_form_keeps_what_was_typed(engine):
    admin = signed_in(engine, make_user(engine, "administrator"))
    page = admin.get("/admin/users")
    username = f"short-{uuid.uuid4().hex[:6]}"
    reply = admin.post(
        "/admin/users",
        data={
            "username": username,
            "display_name": "Short Password",
            "role": "social_worker",
            "team_id": "NO-SUCH-TEAM",
            "password": "short",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert reply.status_code == 422
    assert '<p id="password-error" class="govuk-error-message">' in reply.text
    assert "at least 12 characters" in reply.text
    assert f'value="{username}"' in reply.text
    assert '<option value="social_worker" selected>' in reply.text
    assert 'value="short"' not in reply.text  # a password is never sent back
    with Session(engine) as s:
        assert s.get(AppUser, username) is None

    team = admin.post(
        "/admin/users",
        data={
            "username": username,
            "display_name": "No Team",
            "role": "social_worker",
            "team_id": "NO-SUCH-TEAM",
            "password": PASSWORD,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert team.status_code == 422
    assert '<p id="team_id-error" class="govuk-error-message">' in team.text


def test_the_users_api(engine):
    admin = signed_in(engine, make_user(engine, "administrator"))
    headers = {"X-CSRF-Token": csrf_from(admin.get("/").text)}
    username = f"api.user-{uuid.uuid4().hex[:6]}"
    body = {
        "username": username,
        "display_name": "Api User",
        "role": "auditor",
        "password": PASSWORD,
    }
    made = admin.post("/api/users", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["role_title"] == "Auditor"
    assert "password" not in made.json() and "password_hash" not in made.json()
    assert username in {u["username"] for u in admin.get("/api/users").json()}

    again = admin.post("/api/users", json=body, headers=headers)
    assert again.status_code == 422
    assert {e["field"] for e in again.json()["errors"]} == {"username"}
    bad_role = admin.post(
        "/api/users", json={**body, "username": f"x{username}", "role": "wizard"}, headers=headers
    )
    assert bad_role.status_code == 422
    assert {e["field"] for e in bad_role.json()["errors"]} == {"role"}
    too_long = admin.post("/api/users", json={**body, "username": "a" * 61}, headers=headers)
    assert too_long.status_code == 422
    assert {e["field"] for e in too_long.json()["errors"]} == {"username"}
    assert admin.post("/api/users", json=body).status_code == 403
    assert client_for(engine).post("/api/users", json=body).status_code == 401


def test_only_administrators_reach_the_admin_pages(engine):
    worker = signed_in(engine, make_user(engine, "social_worker"))
    assert worker.get("/admin/access-log").status_code == 403
    assert worker.get("/admin/users").status_code == 403
    assert worker.get("/api/access-log").status_code == 403
    token = csrf_from(worker.get("/").text)
    refused = worker.post(
        "/api/users",
        json={
            "username": "sneaky",
            "display_name": "S",
            "role": "administrator",
            "password": PASSWORD,
        },
        headers={"X-CSRF-Token": token},
    )
    assert refused.status_code == 403
    assert client_for(engine).get("/api/access-log").status_code == 401
