"""Helpers for web tests: an app on the test database and signed-in clients."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from casebook.access import accounts
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.settings import Settings
from casebook.web.app import create_app

PASSWORD = "correct horse battery staple"


def make_user(engine: Engine, role: str, **extra) -> str:
    username = f"{role.replace('_', '-')}-{uuid.uuid4().hex[:8]}"
    with Session(engine) as s:
        accounts.create_user(
            UnitOfWork(session=s),
            username=username,
            display_name=username,
            role=role,
            password=PASSWORD,
            actor=Actor("test"),
            **extra,
        )
    return username


def client_for(engine: Engine) -> TestClient:
    return TestClient(create_app(engine, Settings()), follow_redirects=False)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def signed_in(engine: Engine, username: str) -> TestClient:
    client = client_for(engine)
    page = client.get("/sign-in")
    reply = client.post(
        "/sign-in",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    assert reply.status_code == 303, reply.text
    return client
