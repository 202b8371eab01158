"""The front door with the keyboard alone: sign in, record a contact (first with
mistakes, corrected from the error summary), then decide it is a referral with a
primary need. Tab, typing, Space, arrows and Enter only: no mouse, no ``click``,
no ``fill``. axe checks every page on the way, the error pages too, and reports
what it found on all of them once the journey is done.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from casebook.record.models import CinEpisode
from tests.browser.conftest import (
    PASSWORD,
    Audit,
    World,
    focused_matches,
    tab_to,
)

pytestmark = pytest.mark.browser

CONTACT_FORM = 'form[action="/front-door/contacts/new"]'
DECISION_FORM = 'form[action$="/decision"]'


def press_and_wait(page: Page, key: str) -> None:
    """Press a key that submits a form or follows a link; wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def radio_checked(page: Page, name: str) -> str | None:
    return page.evaluate(
        "(name) => document.querySelector(`input[name='${name}']:checked`)?.value ?? null", name
    )


def test_a_contact_to_a_referral_with_the_keyboard_alone(
    page: Page, world: World, browser_engine: Engine
) -> None:
    child = world.contact_child
    audit = Audit(page)  # axe on every page; its findings fail the test at the end

    # Sign in. The first Tab reaches the skip link, as on every GOV.UK page.
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    assert focused_matches(page, "a.govuk-skip-link"), "the skip link is not the first stop"
    tab_to(page, "#username")
    page.keyboard.type(world.users["social_worker"])
    page.keyboard.press("Tab")
    assert focused_matches(page, "#password")
    page.keyboard.type(PASSWORD)
    press_and_wait(page, "Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    audit.check("home")

    # The front door's worklist, from the menu.
    tab_to(page, 'a[href="/front-door"]')
    press_and_wait(page, "Enter")
    expect(page.locator("h1")).to_have_text("The front door")
    audit.check("front door worklist")

    # "Record a contact" is a link styled as a button: Space must work, as on a button.
    tab_to(page, 'a[href="/front-door/contacts/new"]')
    press_and_wait(page, "Space")
    expect(page.locator("h1")).to_have_text("Record a contact")
    audit.check("record a contact")

    # Send it with only the child's person ID: the form comes back with errors.
    tab_to(page, "#person_id")
    page.keyboard.type(child.person_id)
    tab_to(page, f"{CONTACT_FORM} button[type=submit]")
    press_and_wait(page, "Enter")
    expect(page).to_have_title(re.compile(r"^Error: Record a contact"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select where the contact came from")
    expect(summary).to_contain_text("Enter who made the contact")
    expect(summary).to_contain_text("Enter the concerns")
    expect(summary).to_be_focused()  # GOV.UK's error summary takes the focus
    audit.check("record a contact, with errors")
    expect(page.locator("#person_id")).to_have_value(child.person_id)

    # From the summary's first link to its field, and on through the form.
    page.keyboard.press("Tab")
    assert focused_matches(page, '.govuk-error-summary a[href="#source_code"]')
    page.keyboard.press("Enter")
    assert focused_matches(page, "#source_code"), "the summary link did not move the focus"
    page.keyboard.type("Schools")  # a select chooses by typing the start of an option
    expect(page.locator("#source_code")).to_have_value("2A")
    page.keyboard.press("Tab")
    assert focused_matches(page, "#who")
    page.keyboard.type("Designated safeguarding lead, Larkspur Primary")
    page.keyboard.press("Tab")
    assert focused_matches(page, "#concerns")
    page.keyboard.type("Bruise on the cheek; says dad was angry.")
    page.keyboard.press("Shift+Enter")  # a new line in the textarea, not a submission
    page.keyboard.type("Seen by the school nurse.")
    tab_to(page, f"{CONTACT_FORM} button[type=submit]")
    press_and_wait(page, "Enter")
    expect(page).to_have_url(re.compile(r"/front-door/contacts/[\w-]+$"))
    expect(page.locator("h1")).to_have_text(f"Contact about {child.name}")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Seen by the school nurse.")
    audit.check("the contact")

    # Decide: a referral. Arrows move through the radios, checking each.
    tab_to(page, f"{DECISION_FORM} input[name=decision]")
    page.keyboard.press("Space")
    for _ in range(10):
        if radio_checked(page, "decision") == "REFERRAL":
            break
        page.keyboard.press("ArrowDown")
    assert radio_checked(page, "decision") == "REFERRAL"
    page.keyboard.press("Tab")
    assert focused_matches(page, "#reason")
    page.keyboard.type("Injury with a disclosure about dad: over the threshold.")

    # Without the primary need a referral is refused, beside the field.
    tab_to(page, f"{DECISION_FORM} button[type=submit]")
    press_and_wait(page, "Enter")
    expect(page).to_have_title(re.compile(r"^Error: Contact "))
    expect(page.locator("#primary_need-error")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    audit.check("the decision, with errors")
    expect(page.locator("#reason")).to_have_value(
        "Injury with a disclosure about dad: over the threshold."
    )
    assert radio_checked(page, "decision") == "REFERRAL"

    page.keyboard.press("Tab")
    assert focused_matches(page, '.govuk-error-summary a[href="#primary_need"]')
    page.keyboard.press("Enter")
    assert focused_matches(page, "#primary_need")
    page.keyboard.type("Abuse")
    expect(page.locator("#primary_need")).to_have_value("N1")
    tab_to(page, f"{DECISION_FORM} button[type=submit]")
    press_and_wait(page, "Enter")

    # Decided: the referral is open and the contact has left the worklist.
    expect(page).to_have_url(re.compile(r"/front-door/contacts/[\w-]+#decision$"))
    decision = page.locator("#decision + .govuk-summary-list")
    expect(decision).to_contain_text("Referral to children's social care")
    expect(decision).to_contain_text("Referral opened")
    audit.check("the contact, decided")
    with Session(browser_engine) as s:
        referral = s.scalars(
            select(CinEpisode).where(CinEpisode.cine_person_id == child.person_id)
        ).one()
    assert referral.cine_cin_primary_need_code == "N1"
    expect(decision).to_contain_text(referral.cine_referral_id)
    audit.assert_clean()
