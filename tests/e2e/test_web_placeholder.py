"""The placeholder home page serves the authority's headline counts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casebook.web.app import create_app


def test_home_page_shows_the_record(engine):
    client = TestClient(create_app(engine))
    page = client.get("/")
    assert page.status_code == 200
    assert "<h1>Casebook</h1>" in page.text
    assert "Looked after" in page.text
    assert client.get("/health").json()["status"] == "ok"
