"""Every role against every route: least privilege enforced at the route, in one place.

Each route must declare its permission with ``requires`` (or be one of the few
public ones); then every role is sent to every route, and the answer must be a
refusal exactly when the role's permissions (or the child's scope) say so.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from casebook.access.roles import PERMISSIONS, Action, Role
from casebook.record.models import Department, Involvement, Person, Professional
from casebook.web.app import create_app
from casebook.web.deps import child_in_scope
from tests.e2e.webkit import csrf_from, make_user, signed_in

PUBLIC = {("GET", "/sign-in"), ("POST", "/sign-in"), ("GET", "/health"), ("POST", "/sign-out")}
#: The public scrutiny site: read-only pages anyone may see without signing in.
PUBLIC_PREFIX = "/public"


def _public(method: str, path: str) -> bool:
    return (method, path) in PUBLIC or (method == "GET" and path.startswith(PUBLIC_PREFIX))


def _actions(route: APIRoute) -> set[Action]:
    found = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        action = getattr(dep.call, "action", None)
        if action is not None:
            found.add(action)
        stack.extend(dep.dependencies)
    return found


def _uses_child_scope(route: APIRoute) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call is child_in_scope:
            return True
        stack.extend(dep.dependencies)
    return False


def _api_routes(routes) -> list[APIRoute]:
    """Every APIRoute, including those inside included routers (no prefixes are
    added at inclusion in Casebook, so a route's own path is its URL)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


def _routes(engine) -> list[tuple[str, str, APIRoute]]:
    app = create_app(engine)
    routes = [(method, r.path, r) for r in _api_routes(app.routes) for method in sorted(r.methods)]
    # Every path the OpenAPI description lists is covered, so none can slip past.
    assert {p for _, p, _ in routes} >= set(app.openapi()["paths"])
    assert len(routes) >= 39
    return routes


def test_every_route_declares_its_permission(engine):
    undeclared = [
        f"{m} {p}" for m, p, r in _routes(engine) if not _public(m, p) and len(_actions(r)) != 1
    ]
    assert not undeclared, f"routes without exactly one requires(...): {undeclared}"


def test_every_child_route_checks_the_childs_scope(engine):
    missing = [
        f"{m} {p}" for m, p, r in _routes(engine) if "{person_id}" in p and not _uses_child_scope(r)
    ]
    assert not missing


@pytest.fixture(scope="module")
def world(engine):
    """A team, a worker and a child allocated to them; one user per role."""
    tag = uuid.uuid4().hex[:8]
    team, prof, child = f"T-{tag}", f"W-{tag}", f"C-{tag}"
    with Session(engine) as s:
        s.add(Department(dept_team_id=f"S-{tag}", dept_team_name="Service"))
        s.add(
            Department(
                dept_team_id=team,
                dept_team_name="Team",
                dept_team_parent_id=f"S-{tag}",
                cb_front_door="Y",
            )
        )
        s.add(Professional(prof_professional_id=prof, prof_professional_name="Worker"))
        s.add(
            Person(
                pers_person_id=child,
                pers_forename="Matrix",
                pers_surname="Child",
                pers_dob=date(2016, 5, 5),
            )
        )
        s.flush()
        s.add(
            Involvement(
                invo_involvements_id=f"I-{tag}",
                invo_person_id=child,
                invo_professional_id=prof,
                invo_professional_team=team,
                invo_involvement_start_date=date(2024, 1, 1),
            )
        )
        s.commit()
    links = {
        Role.SOCIAL_WORKER: {"team_id": team, "professional_id": prof},
        Role.TEAM_MANAGER: {"team_id": team},
        Role.HEAD_OF_SERVICE: {"service_id": f"S-{tag}"},
    }
    users = {role: make_user(engine, role.value, **links.get(role, {})) for role in Role}
    return {"child": child, "users": users}


def _fill(path: str, child: str) -> str:
    path = path.replace("{person_id}", child)
    return re.sub(r"\{[^}]+\}", "NO-SUCH-ID", path)


def _expected_refusal(role: Role, action: Action, path: str) -> bool:
    if action not in PERMISSIONS[role]:
        return True
    if action is Action.FRONT_DOOR:
        return role not in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)  # in the front door team
    if "{person_id}" in path:
        # The child is allocated in the team: the auditor has no sample of them.
        return role is Role.AUDITOR
    return False


@pytest.mark.parametrize("role", list(Role))
def test_every_role_against_every_route(engine, world, role):
    client = signed_in(engine, world["users"][role])
    token = csrf_from(client.get("/").text)
    wrong = []
    for method, path, route in _routes(engine):
        if _public(method, path):
            continue
        (action,) = _actions(route)
        url = _fill(path, world["child"])
        if method == "GET":
            reply = client.get(url)
        else:
            reply = client.request(
                method,
                url,
                headers={"X-CSRF-Token": token},
                data={"csrf_token": token} if not url.startswith("/api") else None,
                json={} if url.startswith("/api") else None,
            )
        refused = reply.status_code == 403
        assert reply.status_code < 500, f"{method} {url} gave {reply.status_code}"
        if refused != _expected_refusal(role, action, path):
            wrong.append(f"{method} {url}: {reply.status_code}")
    assert not wrong, f"{role.value}: {wrong}"
