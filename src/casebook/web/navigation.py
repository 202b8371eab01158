"""The service's sections, declared once: the header's menu and the home page's
list both come from here, each entry shown only to roles whose permission
allows it (the same ``Action`` the section's routes require)."""

from __future__ import annotations

from dataclasses import dataclass

from casebook.access.roles import Action


@dataclass(frozen=True)
class Section:
    label: str
    href: str
    action: Action
    #: What the home page says the section is for.
    purpose: str
    #: Shown in the header's menu as well as on the home page.
    in_menu: bool = True


SECTIONS: tuple[Section, ...] = (
    Section("Find a child", "/search", Action.SEARCH, "Search by name, date of birth or ID."),
    Section("Add a child", "/children/new", Action.CREATE_PERSON, "Record a new child.", False),
    Section("My work", "/worklists", Action.WORKLISTS, "What is due and overdue, by child."),
    Section("Front door", "/front-door", Action.FRONT_DOOR, "Open contacts and their decisions."),
    Section(
        "Missing briefing",
        "/missing-briefing",
        Action.WORKLISTS,
        "Missing episodes since the last working day, with return interviews.",
        False,
    ),
    Section(
        "Requests to my agency",
        "/partner",
        Action.CONTRIBUTE,
        "Enquiries your agency has been asked to contribute to.",
    ),
    Section(
        "Performance",
        "/performance",
        Action.AGGREGATES,
        "The scorecard, drift, data quality and board packs.",
    ),
    Section("Returns", "/returns", Action.RETURNS, "The CIN census and SSDA903, validated."),
    Section(
        "Scrutiny",
        "/scrutiny",
        Action.SCRUTINY_VIEW,
        "Panels, meetings, minutes, actions and the work programme.",
    ),
    Section("Access log", "/admin/access-log", Action.READ_ACCESS_LOG, "Who looked at what."),
    Section("Users", "/admin/users", Action.MANAGE_USERS, "Accounts and roles."),
    Section(
        "Local standards",
        "/settings/local-standards",
        Action.MANAGE_SETTINGS,
        "The authority's own timescales.",
    ),
)
