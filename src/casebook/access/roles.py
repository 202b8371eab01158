"""The roles of ``service-model.md`` and what each may do, declared once.

Every page and API route names one :class:`Action`; :mod:`.policy` answers
whether a user may take it (and, for a child's record, for which child). No
template or handler decides this for itself.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SOCIAL_WORKER = "social_worker"
    TEAM_MANAGER = "team_manager"
    HEAD_OF_SERVICE = "head_of_service"
    PERFORMANCE_OFFICER = "performance_officer"
    AUDITOR = "auditor"
    PARTNER = "partner"
    SCRUTINY_OFFICER = "scrutiny_officer"
    COUNCILLOR = "councillor"
    ADMINISTRATOR = "administrator"


ROLE_TITLES: dict[Role, str] = {
    Role.SOCIAL_WORKER: "Social worker",
    Role.TEAM_MANAGER: "Team manager",
    Role.HEAD_OF_SERVICE: "Head of service",
    Role.PERFORMANCE_OFFICER: "Performance and data officer",
    Role.AUDITOR: "Auditor",
    Role.PARTNER: "Partner agency officer (MASH)",
    Role.SCRUTINY_OFFICER: "Scrutiny officer",
    Role.COUNCILLOR: "Councillor",
    Role.ADMINISTRATOR: "Administrator",
}


class Action(StrEnum):
    """Everything a route can do. A child-scoped action also needs the child in scope."""

    SIGNED_IN = "signed_in"  # any signed-in user: home page, own account
    VIEW_CHILD = "view_child"  # open a child's record (scope-checked, logged)
    EDIT_CHILD = "edit_child"  # add to a child's record (scope-checked)
    SEARCH = "search"  # find a child (results limited to scope, logged)
    CREATE_PERSON = "create_person"
    FRONT_DOOR = "front_door"  # record contacts, ask partners, decide
    CONTRIBUTE = "contribute"  # a partner adds to an enquiry they were asked into
    AGGREGATES = "aggregates"  # authority-wide figures (suppressed for some roles)
    READ_ACCESS_LOG = "read_access_log"
    MANAGE_USERS = "manage_users"
    OVERSEE = "oversee"  # authorise assessments and plans, oversight notes, allocate
    WORKLISTS = "worklists"  # "my children", "my team", the missing briefing
    MANAGE_SETTINGS = "manage_settings"  # local standards and other authority settings
    MANAGE_PERFORMANCE = "manage_performance"  # targets, comparators, publish board packs
    RETURNS = "returns"  # export, import and validate the CIN census and SSDA903
    SCRUTINY_VIEW = "scrutiny_view"  # members' view of panels, papers (incl. exempt), actions
    SCRUTINY_MANAGE = "scrutiny_manage"  # run panels: meetings, agendas, minutes, actions


#: What each role may do. Scope (which children) is in :mod:`.policy`.
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.SOCIAL_WORKER: frozenset(
        {
            Action.SIGNED_IN,
            Action.VIEW_CHILD,
            Action.EDIT_CHILD,
            Action.SEARCH,
            Action.CREATE_PERSON,
            Action.FRONT_DOOR,
            Action.AGGREGATES,
            Action.WORKLISTS,
        }
    ),
    Role.TEAM_MANAGER: frozenset(
        {
            Action.SIGNED_IN,
            Action.VIEW_CHILD,
            Action.EDIT_CHILD,
            Action.SEARCH,
            Action.CREATE_PERSON,
            Action.FRONT_DOOR,
            Action.AGGREGATES,
            Action.WORKLISTS,
            Action.OVERSEE,
        }
    ),
    Role.HEAD_OF_SERVICE: frozenset(
        {
            Action.SIGNED_IN,
            Action.VIEW_CHILD,
            Action.SEARCH,
            Action.AGGREGATES,
            Action.WORKLISTS,
            Action.OVERSEE,
        }
    ),
    Role.PERFORMANCE_OFFICER: frozenset(
        {
            Action.SIGNED_IN,
            Action.VIEW_CHILD,
            Action.SEARCH,
            Action.AGGREGATES,
            Action.MANAGE_PERFORMANCE,
            Action.RETURNS,
        }
    ),
    Role.AUDITOR: frozenset({Action.SIGNED_IN, Action.VIEW_CHILD, Action.AGGREGATES}),
    Role.PARTNER: frozenset({Action.SIGNED_IN, Action.CONTRIBUTE}),
    Role.SCRUTINY_OFFICER: frozenset(
        {Action.SIGNED_IN, Action.AGGREGATES, Action.SCRUTINY_VIEW, Action.SCRUTINY_MANAGE}
    ),
    Role.COUNCILLOR: frozenset({Action.SIGNED_IN, Action.AGGREGATES, Action.SCRUTINY_VIEW}),
    Role.ADMINISTRATOR: frozenset(
        {
            Action.SIGNED_IN,
            Action.READ_ACCESS_LOG,
            Action.MANAGE_USERS,
            Action.AGGREGATES,
            Action.MANAGE_SETTINGS,
        }
    ),
}

#: Roles that may never see a child's record: figures shown to them are suppressed.
AGGREGATE_ONLY = frozenset({Role.SCRUTINY_OFFICER, Role.COUNCILLOR, Role.PARTNER})
