"""Signing in, as every role, lands on an accessible home page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from casebook.access.roles import ROLE_TITLES, Role
from tests.browser.conftest import ROLES, World, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_the_sign_in_page_is_accessible(page: Page, world: World) -> None:
    page.goto("/sign-in")
    expect(page.locator("h1")).to_have_text("Sign in to Casebook")
    assert_accessible(page, "sign in")


def test_the_sign_in_page_with_errors_is_accessible(page: Page, world: World) -> None:
    page.goto("/sign-in")
    page.fill("#username", world.users["auditor"])
    with page.expect_navigation():
        page.press("#password", "Enter")
    expect(page).to_have_title("Error: Sign in – Casebook")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your password")
    expect(page.locator("#password-error")).to_be_visible()
    assert_accessible(page, "sign in with errors")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_to_an_accessible_home_page(page: Page, world: World, role: str):
    sign_in(page, world.users[role])
    expect(page.locator("h1")).to_have_text("Casebook")
    expect(page.locator(".casebook-userbar")).to_contain_text(f"({ROLE_TITLES[Role(role)]})")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page, f"home as {role}")
