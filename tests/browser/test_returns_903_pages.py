"""The returns pages in a browser: they render for the performance officer,
the validate form works with the keyboard and reports a missing file beside the
field, an upload shows its errors by rule, and axe finds no serious or critical
violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Audit, World, focused_matches, sign_in, tab_to

pytestmark = pytest.mark.browser

HEADER = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nB1,F,15/06/2010,XXXX,UN5,0,\n"


def test_returns_pages_are_accessible(page: Page, world: World) -> None:
    sign_in(page, world.users["performance_officer"])
    audit = Audit(page)
    for url in ("/returns", "/returns/errors", "/returns/errors?rule=145"):
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        audit.check(url)
    audit.assert_clean()


def test_validating_with_the_keyboard(page: Page, world: World) -> None:
    sign_in(page, world.users["performance_officer"])
    page.goto("/returns")
    audit = Audit(page)
    tab_to(page, "#for_year")
    assert focused_matches(page, "#for_year")
    page.keyboard.type("2025")
    page.get_by_role("button", name="Validate").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#files-error")).to_contain_text("Choose the return's files")
    expect(page.locator("#for_year")).to_have_value("2025")
    audit.check("/returns (errors)")
    page.set_input_files(
        "#files", files=[{"name": "header.csv", "mimeType": "text/csv", "buffer": HEADER}]
    )
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("h1")).to_contain_text("SSDA903 2025: 1 error")
    expect(page.locator("body")).to_contain_text("The ethnicity code is either not valid")
    audit.check("/returns/validate")
    audit.assert_clean()
