"""Browser tests: Debian's chromium, driven by Playwright, against Casebook served
by uvicorn on 127.0.0.1 from a small seeded SQLite world.

One world, one server and one browser serve the whole run; every test gets a
browser context (cookies, storage) of its own. Nothing leaves the machine: each
context refuses any request not addressed to the test server.

Chromium is Debian's (``scripts/install-browser``), never Playwright's download.
Without it these tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from casebook.access import accounts
from casebook.access.models import AuditSample
from casebook.record import front_door, services
from casebook.record.models import (
    CinEpisode,
    CpPlan,
    Department,
    Involvement,
    Person,
    Professional,
)
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.settings import Settings
from casebook.web.app import create_app
from tests.conftest import IN_CI, new_database
from tests.e2e.webkit import PASSWORD

CHROMIUM = Path(os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Belt and braces with the per-context route guard: no name resolves, so the
    # browser itself cannot reach anything but the IP-literal test server.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SETUP = Actor("browser-test-setup")
#: Every role, each with one account in the world.
ROLES = (
    "social_worker",
    "team_manager",
    "head_of_service",
    "performance_officer",
    "auditor",
    "partner",
    "scrutiny_officer",
    "councillor",
    "administrator",
)


def pytest_configure(config) -> None:
    """Register the ``browser`` marker (``-m "not browser"`` leaves these tests out),
    unless pyproject.toml already does."""
    if not any(line.startswith("browser:") for line in config.getini("markers")):
        config.addinivalue_line("markers", "browser: drives Debian's chromium (tests/browser)")


# --------------------------------------------------------------------------- the world


@dataclass(frozen=True)
class Child:
    person_id: str
    forename: str
    surname: str

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"


@dataclass(frozen=True)
class World:
    """What the seeded database holds, for the tests to name."""

    service: str  # children's social care: the head of service's
    locality_team: str  # under the service; the children are allocated here
    front_door_team: str  # cb_front_door = 'Y'; the social worker's team
    allocated: Child  # allocated to the social worker by their professional id
    on_cp_plan: Child  # on an open child protection plan; in the auditor's sample
    team_child: Child  # in the locality team: the team manager's
    contact_child: Child  # the subject of an open contact with a partner asked
    users: dict[str, str]  # role -> username (password PASSWORD)


def _add(session: Session, model, **values) -> None:
    services.add_record(session, model, values, SETUP)


def seed(engine: Engine) -> World:
    today = date.today()
    year_ago = today - timedelta(days=365)
    allocated = Child("BT-CHILD-1", "Amara", "Quillhollow")
    on_cp_plan = Child("BT-CHILD-2", "Idris", "Fernlow")
    team_child = Child("BT-CHILD-3", "Nell", "Ashgrove")
    contact_child = Child("BT-CHILD-4", "Wren", "Halloway")
    with Session(engine) as s:
        _add(s, Department, dept_team_id="BT-SVC", dept_team_name="Children's social care")
        _add(
            s,
            Department,
            dept_team_id="BT-LOC",
            dept_team_name="North locality team",
            dept_team_parent_id="BT-SVC",
            dept_team_parent_name="Children's social care",
        )
        _add(
            s,
            Department,
            dept_team_id="BT-MASH",
            dept_team_name="Front door (MASH)",
            dept_team_parent_id="BT-SVC",
            cb_front_door="Y",
        )
        for prof_id, name, team in (
            ("BT-W1", "Sam Okafor", "BT-MASH"),
            ("BT-W2", "Ivo Marchbank", "BT-LOC"),
        ):
            _add(
                s,
                Professional,
                prof_professional_id=prof_id,
                prof_professional_name=name,
                prof_professional_job_title="Social worker",
                prof_professional_department=team,
            )
        for child, dob, sex in (
            (allocated, "2014-03-02", "F"),
            (on_cp_plan, "2019-11-20", "M"),
            (team_child, "2011-07-15", "F"),
            (contact_child, "2016-05-04", "M"),
        ):
            _add(
                s,
                Person,
                pers_person_id=child.person_id,
                pers_forename=child.forename,
                pers_surname=child.surname,
                pers_dob=dob,
                pers_sex=sex,
            )
        _add(
            s,
            Person,
            pers_person_id="BT-ADULT-1",
            pers_forename="Orrin",
            pers_surname="Halloway",
            pers_dob="1988-09-12",
            cb_person_type="adult",
        )
        for invo_id, child, prof in (
            ("BT-I1", allocated, "BT-W1"),
            ("BT-I2", on_cp_plan, "BT-W2"),
            ("BT-I3", team_child, "BT-W2"),
        ):
            _add(
                s,
                Involvement,
                invo_involvements_id=invo_id,
                invo_person_id=child.person_id,
                invo_professional_id=prof,
                invo_professional_team="BT-LOC",
                invo_involvement_start_date=year_ago,
            )
        for ref_id, child in (("BT-R1", allocated), ("BT-R2", on_cp_plan)):
            _add(
                s,
                CinEpisode,
                cine_referral_id=ref_id,
                cine_person_id=child.person_id,
                cine_referral_date=year_ago,
                cine_cin_primary_need_code="N1",
                cine_referral_source_code="2A",
                cine_referral_team="BT-LOC",
            )
        _add(
            s,
            CpPlan,
            cppl_cp_plan_id="BT-CP1",
            cppl_referral_id="BT-R2",
            cppl_person_id=on_cp_plan.person_id,
            cppl_cp_plan_start_date=today - timedelta(days=90),
            cppl_cp_plan_initial_category="NEG",
        )
        s.commit()

    users: dict[str, str] = {}
    extras: dict[str, dict[str, str]] = {
        "social_worker": {"team_id": "BT-MASH", "professional_id": "BT-W1"},
        "team_manager": {"team_id": "BT-LOC"},
        "head_of_service": {"service_id": "BT-SVC"},
        "partner": {"agency": "police"},
    }
    with Session(engine) as s:
        for role in ROLES:
            username = f"bt.{role.replace('_', '-')}"
            accounts.create_user(
                UnitOfWork(session=s),
                username=username,
                display_name=f"{role.replace('_', ' ').capitalize()} (browser tests)",
                role=role,
                password=PASSWORD,
                actor=SETUP,
                **extras.get(role, {}),
            )
            users[role] = username
        _add(
            s,
            AuditSample,
            id="BT-S1",
            person_id=on_cp_plan.person_id,
            auditor_username=users["auditor"],
            sample_name="Browser tests",
        )
        s.commit()
        contact = front_door.record_contact(
            UnitOfWork(session=s),
            person_id=contact_child.person_id,
            contact_date=today,
            source_code="6",
            who="PC Dunmore, response team",
            concerns="Called to a domestic incident; the child was present.",
            named=[("BT-ADULT-1", "father")],
            actor=Actor(users["social_worker"]),
        )
        front_door.ask_partner(
            UnitOfWork(session=s),
            contact_id=contact.cont_contact_id,
            partner_username=users["partner"],
            question="Any previous call-outs to the address?",
            actor=Actor(users["social_worker"]),
            on=today,
        )
    return World(
        service="BT-SVC",
        locality_team="BT-LOC",
        front_door_team="BT-MASH",
        allocated=allocated,
        on_cp_plan=on_cp_plan,
        team_child=team_child,
        contact_child=contact_child,
        users=users,
    )


@pytest.fixture(scope="session")
def browser_engine(tmp_path_factory) -> Iterator[Engine]:
    engine, drop = new_database("sqlite", tmp_path_factory)
    yield engine
    drop()


@pytest.fixture(scope="session")
def world(browser_engine: Engine) -> World:
    return seed(browser_engine)


# --------------------------------------------------------------------------- the server


@pytest.fixture(scope="session")
def app(browser_engine: Engine, world: World):
    return create_app(browser_engine, Settings())


@pytest.fixture(scope="session")
def base_url(app) -> Iterator[str]:
    """Casebook served by uvicorn in a background thread on a free loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", ws="none", http="h11"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="casebook-uvicorn", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        message = f"no chromium at {CHROMIUM}: run scripts/install-browser"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield launched
        launched.close()


#: What went wrong in each open page beyond its HTML: requests refused for leaving
#: the machine, script errors, Content-Security-Policy refusals.
PAGE_PROBLEMS: dict[Page, list[str]] = {}


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base_url, locale="en-GB", timezone_id="Europe/London", service_workers="block"
    )
    context.set_default_timeout(10_000)
    problems: list[str] = []
    server = urlsplit(base_url).netloc

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:
            problems.append(f"refused a request off the machine: {route.request.url}")
            route.abort("blockedbyclient")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    context.route("**/*", loopback_only)
    new_page = context.new_page()
    new_page.on("console", console)
    new_page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    PAGE_PROBLEMS[new_page] = problems
    try:
        yield new_page
    finally:
        PAGE_PROBLEMS.pop(new_page, None)
        context.close()


# --------------------------------------------------------------------------- helpers

#: axe-core from npm (``npm ci``), injected into each page under test.
AXE_JS = Settings().node_modules / "axe-core" / "axe.min.js"
#: The WCAG 2.x levels Casebook must meet: A and AA, up to WCAG 2.2.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: The impacts that fail a test (moderate and minor findings do not).
FAILING_IMPACTS = frozenset({"serious", "critical"})


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      html: n.html,
      summary: n.failureSummary,
    })),
  }));
}"""


def axe_violations(page: Page) -> list[dict]:
    """Every WCAG 2.x A/AA violation axe finds on the page as it is now.

    The app's CSP allows no inline script, so ``add_script_tag`` is refused;
    ``evaluate`` runs through the DevTools protocol, which the CSP does not govern.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(_AXE_RUN, WCAG_TAGS)


def failing(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def page_problems(page: Page) -> list[str]:
    """Script errors, CSP refusals and off-machine requests seen in the page so far."""
    return list(PAGE_PROBLEMS.get(page, []))


class Audit:
    """axe on each page of a journey, every failure reported together at the end, each
    serious or critical finding once with the pages it was seen on; so a journey still
    tests all its steps, and one template fault shows as one finding."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.findings: dict[tuple, list[str]] = {}
        self.other: list[str] = []
        self.pages: list[str] = []

    def check(self, where: str | None = None) -> None:
        where = where or urlsplit(self.page.url).path
        self.pages.append(where)
        for v in failing(axe_violations(self.page)):
            for node in v["nodes"]:
                summary = " ".join((node["summary"] or "").split())
                key = (v["impact"], v["id"], v["help"], v["helpUrl"], node["target"])
                self.findings.setdefault(key + (node["html"][:200], summary), []).append(where)
        self.other.extend(f"{where}: {p}" for p in page_problems(self.page))
        PAGE_PROBLEMS.get(self.page, []).clear()

    def problem(self, message: str) -> None:
        self.other.append(message)

    def report(self) -> str:
        lines = []
        for (impact, rule, text, url, target, html, summary), pages in self.findings.items():
            lines.append(f"[{impact}] {rule}: {text} ({url})")
            lines.append(f"    at {target}: {html}")
            if summary:
                lines.append(f"      {summary[:400]}")
            shown = ", ".join(dict.fromkeys(pages))
            lines.append(f"    on {len(set(pages))} page(s): {shown}")
        lines.extend(dict.fromkeys(self.other))
        return "\n".join(lines)

    def assert_clean(self) -> None:
        if self.findings or self.other:
            pytest.fail(self.report(), pytrace=False)


def assert_accessible(page: Page, where: str | None = None) -> None:
    """axe finds no serious or critical WCAG 2.x A/AA violation, and the page broke
    nothing else (no script error, no CSP refusal, no request off the machine)."""
    audit = Audit(page)
    audit.check(where)
    audit.assert_clean()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form and land on the home page."""
    page.goto("/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert urlsplit(page.url).path == "/", page.url


#: Session cookies by username: each user signs in through the form once per run.
_SIGNED_IN: dict[str, list] = {}


def signed_in_as(page: Page, username: str) -> None:
    """Sign in as ``username``: through the form the first time in the run, then by
    giving the context that session's cookie (an argon2 check per test adds up)."""
    cookies = _SIGNED_IN.get(username)
    if cookies is None:
        sign_in(page, username)
        _SIGNED_IN[username] = page.context.cookies()
    else:
        page.context.add_cookies(cookies)


def focused_matches(page: Page, selector: str) -> bool:
    return page.evaluate(
        "(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector
    )


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus: it must be
    reachable from the keyboard, in the page's own order."""
    for _ in range(limit):
        if focused_matches(page, selector):
            return
        page.keyboard.press("Tab")
    if not focused_matches(page, selector):
        where = page.evaluate("document.activeElement && document.activeElement.outerHTML")
        raise AssertionError(
            f"{selector} not reached after {limit} Tabs on {page.url}; focus is on {where}"
        )
