"""The menu and home page offer each section only to roles that may open it,
and every section is a page whose route requires the very permission the menu
checks: the two can never disagree."""

from __future__ import annotations

import pytest

from casebook.access.roles import PERMISSIONS, Action, Role
from casebook.web.app import create_app
from casebook.web.navigation import SECTIONS
from tests.e2e.test_route_matrix import _actions, _api_routes
from tests.e2e.webkit import make_user, signed_in


def test_every_section_is_a_page_requiring_the_same_permission(engine):
    routes = {r.path: r for r in _api_routes(create_app(engine).routes) if "GET" in r.methods}
    wrong = []
    for section in SECTIONS:
        route = routes.get(section.href)
        if route is None:
            wrong.append(f"{section.href}: no such page")
        elif _actions(route) != {section.action}:
            wrong.append(
                f"{section.href}: requires {_actions(route)}, menu checks {section.action}"
            )
    assert not wrong


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.COUNCILLOR, Role.ADMINISTRATOR])
def test_the_home_page_lists_exactly_the_sections_the_role_may_open(engine, role):
    page = signed_in(engine, make_user(engine, role.value)).get("/").text
    for section in SECTIONS:
        shown = f'href="{section.href}"' in page
        # These users are in no team, so not in the front door's either.
        may = section.action in PERMISSIONS[role] and section.action is not Action.FRONT_DOOR
        assert shown == may, (role, section.href)
