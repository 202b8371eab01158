"""The workflow pages in a browser: the steps list and generated forms are
accessible (axe), reachable with the keyboard, and an error comes back beside
its field with the error summary linking to it. Nothing here is saved: the
world is shared by every browser test."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Audit, World, focused_matches, signed_in_as, tab_to

pytestmark = pytest.mark.browser


def test_the_steps_and_a_form_with_the_keyboard(page: Page, world: World) -> None:
    child = world.allocated  # has an open referral, allocated to the social worker
    audit = Audit(page)
    signed_in_as(page, world.users["social_worker"])

    page.goto(f"/children/{child.person_id}/steps")
    expect(page.locator("h1")).to_have_text("What can be done now")
    expect(
        page.get_by_text("Not now: there is no open child protection plan").first
    ).to_be_visible()
    audit.check("steps")

    tab_to(page, f'a[href="/children/{child.person_id}/steps/strategy_discussion"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Record a strategy discussion")
    audit.check("strategy discussion form")

    # Leave the yes/no question unanswered and give a day with no month or year.
    tab_to(page, "#discussion_date-day")
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    tab_to(page, "#discussion_date-month")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    tab_to(page, 'form button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: Record a strategy discussion"))
    expect(page.locator("#discussion_date-error")).to_contain_text(
        "Date of the discussion must include a month"
    )
    expect(page.locator("#outcome_s47-error")).to_contain_text(
        "Select was a section 47 enquiry agreed?"
    )
    expect(page.locator("#discussion_date-day")).to_have_value("3")  # kept as typed
    summary_link = page.locator('.govuk-error-summary a[href="#outcome_s47"]')
    expect(summary_link).to_be_visible()
    audit.check("strategy discussion form with errors")

    # The radios answer to the arrow keys, as GOV.UK radios do.
    tab_to(page, "#outcome_s47-Y")
    page.keyboard.press("Space")
    assert focused_matches(page, "#outcome_s47-Y")
    assert page.locator("#outcome_s47-Y").is_checked()
    audit.assert_clean()


def test_a_managers_step_is_refused_to_a_social_worker(page: Page, world: World) -> None:
    signed_in_as(page, world.users["social_worker"])
    response = page.goto(f"/children/{world.allocated.person_id}/steps/oversight_note")
    assert response is not None and response.status == 403
