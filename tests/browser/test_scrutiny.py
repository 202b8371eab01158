"""Scrutiny in the browser: the officer's pages and the public site render, axe
finds nothing serious on any of them, and an agenda item can be added with the
keyboard alone (open the form, type, submit, see it on the agenda)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from casebook.scrutiny.demo import seed_demo
from casebook.scrutiny.models import AgendaItem, Meeting
from tests.browser.conftest import Audit, World, signed_in_as, tab_to

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def panel(browser_engine: Engine, world: World) -> dict[str, object]:
    with Session(browser_engine) as db:
        body = seed_demo(db)
        meetings = db.scalars(
            select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.meeting_date)
        ).all()
        items = db.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meetings[1].id)).all()
        return {
            "body": body.id,
            "meetings": [m.id for m in meetings],
            "item": next(i.id for i in items if i.number == 4),
        }


def test_the_scrutiny_pages_pass_axe(page: Page, world: World, panel) -> None:
    audit = Audit(page)
    signed_in_as(page, world.users["scrutiny_officer"])
    body, meetings, item = panel["body"], panel["meetings"], panel["item"]
    for url in (
        "/scrutiny",
        f"/scrutiny/bodies/{body}",
        f"/scrutiny/bodies/{body}/work-programme",
        f"/scrutiny/bodies/{body}/roll-up",
        "/scrutiny/actions",
        *(f"/scrutiny/meetings/{m}" for m in meetings),
        f"/scrutiny/items/{item}",
        f"/scrutiny/meetings/{meetings[1]}/published",
    ):
        reply = page.goto(url)
        assert reply is not None and reply.status == 200, url
        audit.check()
    audit.assert_clean()


def test_the_public_site_passes_axe_without_signing_in(page: Page, panel) -> None:
    audit = Audit(page)
    meetings = panel["meetings"]
    for url in (
        "/public",
        f"/public/meetings/{meetings[1]}",
        f"/public/meetings/{meetings[0]}/minutes",
        "/public/you-said-we-did",
    ):
        reply = page.goto(url)
        assert reply is not None and reply.status == 200, url
        expect(page.locator("body")).not_to_contain_text("Residential care contract award")
        audit.check()
    audit.assert_clean()


def test_an_agenda_item_added_with_the_keyboard(page: Page, world: World, panel) -> None:
    signed_in_as(page, world.users["scrutiny_officer"])
    meeting = panel["meetings"][2]
    page.goto(f"/scrutiny/meetings/{meeting}")
    tab_to(page, "details:has(form[action$='/items']) > summary")
    page.keyboard.press("Enter")  # opens the details
    assert page.locator("details:has(form[action$='/items'])").get_attribute("open") is not None
    tab_to(page, "#item-number")
    page.keyboard.type("1")
    tab_to(page, "#item-title")
    page.keyboard.type("Keyboard item")
    tab_to(page, "form[action$='/items'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/scrutiny/meetings/{meeting}"))
    expect(page.locator("#agenda + table")).to_contain_text("Keyboard item")
