"""The worklists, the missing briefing and local standards in a browser: the pages
render, the sort headers and the filter work from the keyboard, and axe finds no
serious or critical WCAG 2.x A/AA violation on any of them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Audit, World, focused_matches, sign_in, tab_to

pytestmark = pytest.mark.browser


def test_a_manager_sorts_and_filters_the_team_worklist_by_keyboard(
    page: Page, world: World
) -> None:
    audit = Audit(page)
    sign_in(page, world.users["team_manager"])
    page.goto("/worklists/team")
    expect(page.locator("h1")).to_have_text("My team's worklist")
    audit.check("my team")
    tab_to(page, 'th[aria-sort] a[href*="sort=due"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=due"))
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Due")
    tab_to(page, "#overdue")
    page.keyboard.press("Space")
    tab_to(page, 'form[method="get"] button[type=submit]')
    assert focused_matches(page, 'form[method="get"] button[type=submit]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"overdue=1"))
    audit.check("my team, sorted and filtered")
    audit.assert_clean()


def test_the_other_worklist_pages_render_accessibly(page: Page, world: World) -> None:
    audit = Audit(page)
    sign_in(page, world.users["social_worker"])
    page.goto("/worklists/mine")
    expect(page.locator("h1")).to_have_text("My children")
    audit.check("my children")
    page.goto("/missing-briefing")
    expect(page.locator("h1")).to_have_text("Missing briefing")
    audit.check("missing briefing")
    page.goto("/missing-briefing?date=2025-02-30")
    expect(page.locator(".govuk-error-summary")).to_contain_text("real date")
    audit.check("missing briefing, bad date")
    audit.assert_clean()


def test_an_administrator_changes_a_local_standard(page: Page, world: World) -> None:
    audit = Audit(page)
    sign_in(page, world.users["administrator"])
    page.goto("/settings/local-standards")
    expect(page.locator("h1")).to_have_text("Local standards")
    audit.check("local standards")
    page.goto("/settings/local-standards/child_seen")
    page.fill("#amount", "x")
    with page.expect_navigation():
        page.click('form[action^="/settings"] button[type=submit]')
    expect(page.locator(".govuk-error-summary")).to_contain_text("whole number")
    audit.check("local standard, with an error")
    page.fill("#amount", "5")
    page.select_option("#unit", "working_days")
    with page.expect_navigation():
        page.click('form[action^="/settings"] button[type=submit]')
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Child seen is now")
    audit.check("local standards, changed")
    audit.assert_clean()
