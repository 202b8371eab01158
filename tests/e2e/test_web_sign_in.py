"""Sign-in, lock-out, idle expiry, CSRF and secure headers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from casebook.access.accounts import now
from casebook.access.models import UserSession
from tests.e2e.webkit import PASSWORD, client_for, csrf_from, make_user, signed_in


def test_a_stranger_is_sent_to_sign_in(engine):
    reply = client_for(engine).get("/")
    assert reply.status_code == 303
    assert reply.headers["location"] == "/sign-in?next=/"


def test_sign_in_with_the_right_password(engine):
    user = make_user(engine, "social_worker")
    client = signed_in(engine, user)
    home = client.get("/")
    assert home.status_code == 200
    assert f"Signed in as <strong>{user}</strong>" in home.text


def test_wrong_password_is_refused_and_the_typed_username_kept(engine):
    user = make_user(engine, "social_worker")
    client = client_for(engine)
    token = csrf_from(client.get("/sign-in").text)
    reply = client.post(
        "/sign-in", data={"username": user, "password": "nope", "csrf_token": token}
    )
    assert reply.status_code == 401
    assert "Enter a correct username and password" in reply.text
    assert f'value="{user}"' in reply.text


def test_five_failures_lock_the_account(engine):
    user = make_user(engine, "team_manager")
    client = client_for(engine)
    token = csrf_from(client.get("/sign-in").text)
    for _ in range(5):
        client.post("/sign-in", data={"username": user, "password": "wrong", "csrf_token": token})
    reply = client.post(
        "/sign-in", data={"username": user, "password": PASSWORD, "csrf_token": token}
    )
    assert reply.status_code == 401
    assert "locked" in reply.text


def test_an_idle_session_expires(engine):
    user = make_user(engine, "social_worker")
    client = signed_in(engine, user)
    assert client.get("/").status_code == 200
    with Session(engine) as s:
        s.execute(
            update(UserSession)
            .where(UserSession.username == user)
            .values(last_seen_at=now() - timedelta(minutes=31))
        )
        s.commit()
    assert client.get("/").status_code == 303


def test_forms_without_the_csrf_token_are_refused(engine):
    user = make_user(engine, "social_worker")
    client = signed_in(engine, user)
    assert client.post("/sign-out", data={}).status_code == 403
    assert client.post("/sign-out", data={"csrf_token": "forged"}).status_code == 403
    token = csrf_from(client.get("/").text)
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303  # signed out


def test_sign_in_form_itself_needs_its_token(engine):
    user = make_user(engine, "social_worker")
    reply = client_for(engine).post("/sign-in", data={"username": user, "password": PASSWORD})
    assert reply.status_code == 403


def test_secure_headers_and_no_caching_of_pages(engine):
    user = make_user(engine, "social_worker")
    page = signed_in(engine, user).get("/")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_no_redirect_away_from_casebook_after_sign_in(engine):
    user = make_user(engine, "social_worker")
    client = client_for(engine)
    token = csrf_from(client.get("/sign-in").text)
    reply = client.post(
        "/sign-in",
        data={
            "username": user,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://example.org/",
        },
    )
    assert reply.headers["location"] == "/"
