"""The child's record and its chronology, and who is refused them.

Written to the pages' spec while routes/children.py was being built, so they ask
only what it says: the record shows the child's name in its h1 and a link to the
chronology; the chronology is at /children/{id}/chronology; a role that may not
see the child gets the 403 page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Audit, Child, World, assert_accessible, signed_in_as

pytestmark = pytest.mark.browser

REFUSED = "You do not have permission to see this page"


def _child(world: World, which: str) -> Child:
    return getattr(world, which)


def test_a_councillor_asking_for_the_front_door_gets_an_accessible_403(
    page: Page, world: World
) -> None:
    """The 403 page itself, for a role the front door refuses."""
    signed_in_as(page, world.users["councillor"])
    response = page.goto("/front-door")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text(REFUSED)
    expect(page.get_by_role("link", name="Go to the home page")).to_have_attribute("href", "/")
    assert_accessible(page, "403 for a councillor at the front door")


def test_a_councillor_opening_a_childs_record_gets_the_403_page(page: Page, world: World) -> None:
    signed_in_as(page, world.users["councillor"])
    response = page.goto(f"/children/{world.allocated.person_id}")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text(REFUSED)
    expect(page.locator("main")).not_to_contain_text(world.allocated.surname)
    assert_accessible(page, "403 for a councillor at a child's record")


def test_a_social_worker_is_refused_a_child_out_of_their_scope(page: Page, world: World) -> None:
    signed_in_as(page, world.users["social_worker"])
    response = page.goto(f"/children/{world.team_child.person_id}")
    assert response is not None and response.status == 403
    expect(page.locator("main")).not_to_contain_text(world.team_child.surname)
    assert_accessible(page, "403 for a child out of scope")


#: Each role that may open a record, with a child in its scope.
IN_SCOPE = [
    ("social_worker", "allocated"),  # allocated to them by professional id
    ("team_manager", "on_cp_plan"),  # in their team; on a child protection plan
    ("head_of_service", "team_child"),  # in a team below their service
    ("performance_officer", "contact_child"),  # every child
    ("auditor", "on_cp_plan"),  # in their audit sample
]


@pytest.mark.parametrize(("role", "which"), IN_SCOPE)
def test_the_childs_record_and_chronology_are_accessible(
    page: Page, world: World, role: str, which: str
) -> None:
    child = _child(world, which)
    audit = Audit(page)
    signed_in_as(page, world.users[role])
    response = page.goto(f"/children/{child.person_id}")
    assert response is not None and response.status == 200, response and response.status
    expect(page.locator("h1")).to_contain_text(child.name)
    if which == "on_cp_plan":
        expect(page.locator("main")).to_contain_text(re.compile("child protection plan", re.I))
    audit.check(f"{child.person_id}'s record as {role}")

    link = page.get_by_role("link", name=re.compile("chronology", re.I)).first
    expect(link).to_be_visible()
    href = link.get_attribute("href") or ""
    assert href.split("?")[0].rstrip("/").endswith(f"/children/{child.person_id}/chronology")
    with page.expect_navigation():
        link.click()
    assert page.url.split("?")[0].endswith(f"/children/{child.person_id}/chronology")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text(child.forename)
    audit.check(f"{child.person_id}'s chronology as {role}")
    audit.assert_clean()
