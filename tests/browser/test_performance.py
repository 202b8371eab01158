"""The performance pages in a browser: they render for a performance officer and a
councillor, the scorecard's sparklines carry a text alternative, the target form
works with the keyboard, and axe finds no serious or critical violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Audit, World, focused_matches, sign_in, tab_to

pytestmark = pytest.mark.browser

PAGES = (
    "/performance?period=2025-Q3",
    "/performance/measures/FD1?period=2025-Q3",
    "/performance/drift",
    "/performance/data-quality",
    "/performance/packs",
)


def test_performance_pages_are_accessible_for_an_officer(page: Page, world: World) -> None:
    sign_in(page, world.users["performance_officer"])
    audit = Audit(page)
    for url in (
        *PAGES,
        "/performance/targets",
        "/performance/comparators",
        "/performance/drift/unallocated",
    ):
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        audit.check(url)
    page.goto("/performance?period=2025-Q3")
    spark = page.locator("svg.casebook-sparkline").first
    expect(spark).to_have_attribute("role", "img")
    assert "Trend:" in (spark.get_attribute("aria-label") or "")
    audit.assert_clean()


def test_a_councillor_sees_the_figures_but_not_the_children(page: Page, world: World) -> None:
    sign_in(page, world.users["councillor"])
    audit = Audit(page)
    for url in PAGES:
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        audit.check(url)
    expect(page.get_by_role("link", name="Children")).to_have_count(0)
    audit.assert_clean()


def test_setting_a_target_with_the_keyboard(page: Page, world: World) -> None:
    sign_in(page, world.users["performance_officer"])
    page.goto("/performance/targets")
    tab_to(page, "#measure_id")
    assert focused_matches(page, "#measure_id")
    page.keyboard.type("FD2")
    tab_to(page, "#target")
    page.keyboard.type("oops")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Target must be a number")
    audit = Audit(page)
    audit.check("targets with errors")
    audit.assert_clean()
