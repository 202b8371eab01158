"""axe on every page each role can reach by following Casebook's own links from
the home page: same origin, GET only, never /sign-out, static files or the API.
Roles that may search also start from an empty search (the form with its error)
and a search for each child's surname (the search form is a GET form), so the
records in their scope are reached too.

A page kind (its path with ids replaced, and its query's names) is checked at
most PER_KIND times per role, and at most MAX_PAGES pages per role, so the crawl
stays quick as the record grows. A link that answers 403 (shown to someone it
refuses), 404 or 5xx fails too.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from playwright.sync_api import Page

from casebook.access.policy import User, allowed
from casebook.access.roles import Action, Role
from tests.browser.conftest import ROLES, Audit, World, signed_in_as

pytestmark = pytest.mark.browser

MAX_PAGES = 40
PER_KIND = 2
SKIP_PREFIXES = ("/sign-out", "/sign-in", "/static/", "/assets/", "/api/")
ID_SEGMENT = re.compile(r"\d")


def kind_of(url: str) -> tuple[str, tuple[str, ...]]:
    """A page's kind: its path with each id-like segment as {id}, and its query's names."""
    parts = urlsplit(url)
    path = "/".join("{id}" if ID_SEGMENT.search(seg) else seg for seg in parts.path.split("/"))
    return path, tuple(sorted({k for k, _ in parse_qsl(parts.query)}))


#: What a link names a file by: its extension, or ``format=`` in the query (CSV exports).
FILE_ENDINGS = (".csv", ".pdf", ".ics", ".xlsx", ".zip", ".docx")


def _is_file(path: str, query: str) -> bool:
    """A download (an export, a pack's PDF), not a page to check."""
    return path.endswith(FILE_ENDINGS) or "format=" in query


def links_on(page: Page, origin: str) -> list[str]:
    """The in-app GET links on the page, absolute and without fragments."""
    # Download links (a report's attached PDF) start a download, not a page.
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"
    )
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(page.url, href).split("#")[0]
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or parts.path.startswith(SKIP_PREFIXES):
            continue
        if _is_file(parts.path, parts.query):
            continue
        found.append(url)
    return found


def start_pages(world: World, base_url: str, role: str) -> list[str]:
    pages = [f"{base_url}/"]
    if allowed(User("crawler", Role(role)), Action.SEARCH):
        pages.append(f"{base_url}/search?name=")  # the search form, with its error
        children = (world.allocated, world.on_cp_plan, world.team_child, world.contact_child)
        for surname in dict.fromkeys(c.surname for c in children):
            pages.append(f"{base_url}/search?{urlencode({'name': surname})}")
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_can_reach_is_accessible(
    page: Page, world: World, base_url: str, role: str
) -> None:
    signed_in_as(page, world.users[role])
    starts = start_pages(world, base_url, role)
    queue: deque[str] = deque(starts)
    seen_urls = set(starts)
    per_kind: dict[tuple, int] = {}
    visited: list[str] = []
    audit = Audit(page)
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        where = parts.path + (f"?{parts.query}" if parts.query else "")
        response = page.goto(url)
        status = response.status if response else 0
        visited.append(f"{status} {where}")
        if status in (403, 404) or status >= 500:
            audit.problem(f"{where}: a link here answers {status}")
        audit.check(where)
        for link in links_on(page, base_url):
            kind = kind_of(link)
            if link in seen_urls or per_kind.get(kind, 0) >= PER_KIND:
                continue
            seen_urls.add(link)
            per_kind[kind] = per_kind.get(kind, 0) + 1
            queue.append(link)
    print(f"\n{role}: {len(visited)} pages: " + ", ".join(visited))
    assert visited, "the home page was not reached"
    audit.assert_clean()
