"""Performance to scrutiny in the browser: the item page with its attach forms and
frozen table, and the public agenda carrying it, pass axe; a board pack is chosen
and attached with the keyboard alone."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from casebook.performance import packs
from casebook.scrutiny import agenda, bodies, meetings, performance_link
from tests.browser.conftest import Audit, World, signed_in_as, tab_to
from tests.unit.test_packs_render import figures

pytestmark = pytest.mark.browser
OFFICER = "browser-setup"


@pytest.fixture(scope="module")
def agenda_item(browser_engine: Engine) -> dict[str, str]:
    with Session(browser_engine, expire_on_commit=False) as db:
        shown = figures()
        shown["period"]["name"] = f"B{uuid.uuid4().hex[:8]}"
        pack = packs.publish(db, shown, {}, title="Browser pack", actor=OFFICER)
        body = bodies.create_body(
            db, name="Performance Panel", kind="scrutiny_panel", quorum=2, actor=OFFICER
        )
        meeting = meetings.create_meeting(
            db, body.id, meeting_date=date.today() + timedelta(days=40), actor=OFFICER
        )
        first = agenda.add_item(db, meeting.id, {"number": 1, "title": "Scorecard"}, actor=OFFICER)
        second = agenda.add_item(db, meeting.id, {"number": 2, "title": "Pack"}, actor=OFFICER)
        performance_link.attach_pack(db, first.id, pack.id, OFFICER)
        agenda.publish(db, meeting.id, actor=OFFICER)
        return {"meeting": meeting.id, "item": first.id, "other": second.id, "pack": str(pack.id)}


def test_the_figures_pages_pass_axe(page: Page, world: World, agenda_item) -> None:
    audit = Audit(page)
    signed_in_as(page, world.users["scrutiny_officer"])
    for url in (
        f"/scrutiny/items/{agenda_item['item']}",
        f"/public/meetings/{agenda_item['meeting']}",
    ):
        reply = page.goto(url)
        assert reply is not None and reply.status == 200, url
        expect(page.locator("table.govuk-table").first).to_contain_text("Browser pack")
        audit.check()
    audit.assert_clean()


def test_a_pack_attached_with_the_keyboard(page: Page, world: World, agenda_item) -> None:
    signed_in_as(page, world.users["scrutiny_officer"])
    page.goto(f"/scrutiny/items/{agenda_item['other']}")
    tab_to(page, "#pack-pack_id")
    for _ in range(50):  # the arrow keys move through the packs
        if page.eval_on_selector("#pack-pack_id", "s => s.value") == agenda_item["pack"]:
            break
        page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("#pack-pack_id", "s => s.value") == agenda_item["pack"]
    tab_to(page, "form[action$='/pack'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#figures-provenance")).to_contain_text("Frozen on")
    expect(page.locator("table.govuk-table").first).to_contain_text("Browser pack")
