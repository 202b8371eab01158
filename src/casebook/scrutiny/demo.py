"""One illustrative panel for ``casebook demo``: synthetic names only.

A children's scrutiny panel reporting to the scrutiny board, the safeguarding
partnership's groups escalating to its executive, a meeting held six weeks ago
with approved minutes and actions (one done, one overdue), the next meeting's
agenda published (with a report's cover sheet, frozen figures and a Part 2
item), and a work programme with potential future items.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from casebook.record.calendar import WorkingCalendar
from casebook.scrutiny import (
    actions,
    agenda,
    bodies,
    meetings,
    minutes,
    reports,
    roll,
    work_programme,
)
from casebook.scrutiny.models import Body

ACTOR = "demo-setup"
PANEL = "Children and Young People Scrutiny Panel"


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def seed_demo(session: Session, today: date | None = None) -> Body:
    """Create the demo panel (once; returns the existing one if already there)."""
    existing = bodies.body_by_name(session, PANEL)
    if existing is not None:
        return existing
    today = today or date.today()
    board = bodies.create_body(
        session,
        name="Scrutiny Board",
        kind="scrutiny_board",
        quorum=4,
        remit="Coordinates the scrutiny panels and receives their outcomes.",
        actor=ACTOR,
    )
    executive = bodies.create_body(
        session,
        name="Safeguarding Partnership Executive",
        kind="partnership_board",
        quorum=3,
        actor=ACTOR,
    )
    bodies.create_body(
        session,
        name="Safeguarding Assurance Group",
        kind="partnership_board",
        reports_to_id=executive.id,
        escalates_to_id=executive.id,
        actor=ACTOR,
    )
    panel = bodies.create_body(
        session,
        name=PANEL,
        kind="scrutiny_panel",
        quorum=4,
        reports_to_id=board.id,
        actor=ACTOR,
        remit="Children in need and child protection; children in care and care leavers; early "
        "intervention; youth offending; commissioning; schools; SEND; early years.",
    )
    start = date(today.year - (1 if today.month < 5 else 0), 5, 20)
    people = [
        ("Marian Holloway", "chair", "Labour", True),
        ("Tobias Quennell", "vice_chair", "Conservative", True),
        ("Priya Ashdown", "member", "Labour", True),
        ("Owen Teversham", "member", "Labour", True),
        ("Rhona Castellan", "member", "Liberal Democrat", True),
        ("Gideon Marwood", "member", "Conservative", True),
        ("Diocesan representative", "co_opted", None, True),
        ("Youth council representative", "co_opted", None, False),
        ("Selina Brack", "substitute", "Labour", True),
    ]
    members = {}
    for name, role, party, voting in people:
        members[name] = bodies.add_member(
            session,
            panel.id,
            name=name,
            role=role,
            party=party,
            voting=voting,
            term_start=start,
            actor=ACTOR,
        )

    held_day = _next_weekday(today - timedelta(days=45), 2)
    held = meetings.create_meeting(
        session,
        panel.id,
        meeting_date=held_day,
        start_time="18:00",
        venue="Committee Room 3, Civic Centre",
        mode="hybrid",
        actor=ACTOR,
    )
    calendar = WorkingCalendar.from_session(session)
    for number, title, group in (
        (1, "Apologies", "Meeting business items"),
        (2, "Declarations of interest", "Meeting business items"),
        (3, "Placement sufficiency", "Discussion items"),
    ):
        agenda.add_item(
            session,
            held.id,
            {
                "number": number,
                "title": title,
                "group_title": group,
                "presenter": "Head of Placements" if number == 3 else None,
            },
            actor=ACTOR,
        )
    agenda.publish(
        session,
        held.id,
        actor=ACTOR,
        calendar=calendar,
        on=meetings.publication_deadline(held_day, 5, calendar),
    )
    for name, status in (
        ("Marian Holloway", "present_room"),
        ("Tobias Quennell", "present_room"),
        ("Priya Ashdown", "present_room"),
        ("Owen Teversham", "present_online"),
        ("Rhona Castellan", "apologies"),
        ("Gideon Marwood", "present_room"),
    ):
        roll.record_attendance(
            session, held.id, kind="member", member_id=members[name].id, status=status, actor=ACTOR
        )
    roll.record_attendance(
        session,
        held.id,
        kind="officer",
        name="Nadia Verlaine",
        job_title="Scrutiny Officer",
        status="present_room",
        actor=ACTOR,
    )
    meetings.set_state(session, held.id, "held", actor=ACTOR)
    draft = minutes.start(session, held.id, actor=ACTOR)
    minutes.add_item(
        session,
        draft.id,
        number=1,
        title="Apologies",
        actor=ACTOR,
        narrative="Apologies were received from Cllr Rhona Castellan.",
    )
    entry = minutes.add_item(
        session,
        draft.id,
        number=3,
        title="Placement sufficiency",
        actor=ACTOR,
        narrative="The Head of Placements presented the report. The panel asked how many children "
        "live more than 20 miles from home and what is being done to recruit local foster carers.",
        resolutions="The panel noted the report.\nRecommendation: Cabinet to fund a local foster "
        "carer recruitment campaign.\nThe panel asked for a further report on distant placements.",
    )
    minutes.approve(session, draft.id, on=held_day + timedelta(days=21), actor=ACTOR)
    done = actions.create_action(
        session,
        resolution_key=entry.resolutions[1].key,
        description="Put the recruitment campaign to Cabinet",
        owner="Director of Children's Services",
        due_date=held_day + timedelta(days=28),
        actor=ACTOR,
    )
    actions.update_action(
        session,
        done.id,
        status="done",
        actor=ACTOR,
        on=held_day + timedelta(days=27),
        response="Cabinet agreed a recruitment campaign; 14 enquiries so far.",
    )
    actions.create_action(
        session,
        resolution_key=entry.resolutions[2].key,
        description="Report on children placed more than 20 miles away",
        owner="Head of Placements",
        due_date=today - timedelta(days=3),
        actor=ACTOR,
    )

    next_day = _next_weekday(today + timedelta(days=10), 2)
    upcoming = meetings.create_meeting(
        session,
        panel.id,
        meeting_date=next_day,
        start_time="18:00",
        venue="Committee Room 3, Civic Centre",
        actor=ACTOR,
    )
    items = [
        {"number": 1, "title": "Apologies", "group_title": "Meeting business items"},
        {"number": 2, "title": "Declarations of interest", "group_title": "Meeting business items"},
        {
            "number": 3,
            "title": f"Minutes of the previous meeting ({held_day:%-d %B %Y})",
            "group_title": "Meeting business items",
            "page_from": 3,
            "page_to": 6,
            "purpose": "To approve the minutes of the previous meeting as a correct record",
        },
        {
            "number": 4,
            "title": "Children in care: performance",
            "group_title": "Discussion items",
            "presenter": "Performance Manager",
            "page_from": 7,
            "page_to": 18,
        },
        {
            "number": 5,
            "title": "Youth offending service update",
            "group_title": "Discussion items",
            "presenter": "Head of Youth Offending",
            "verbal_update": True,
        },
        {
            "number": 6,
            "title": "Residential care contract award",
            "group_title": "Exempt items",
            "exempt": True,
            "exempt_reason": "Paragraph 3: financial or business affairs",
            "page_from": 19,
            "page_to": 30,
        },
    ]
    created = [agenda.add_item(session, upcoming.id, values, actor=ACTOR) for values in items]
    reports.set_report(
        session,
        created[3].id,
        {
            "title": "Children in care: performance",
            "designation": "green",
            "key_decision": "no",
            "forward_plan": "no",
            "wards": "All",
            "accountable_director": "Director of Children's Services",
            "originating_service": "Performance and Intelligence",
            "accountable_employee": "Ivo Santangelo",
            "employee_job_title": "Performance Manager",
            "route": [
                {
                    "body": "Children's Leadership Team",
                    "date": (next_day - timedelta(days=14)).isoformat(),
                }
            ],
            "recommendations_decision": ["Review and comment on the performance of the service."],
            "recommendations_noting": ["The rate of children in care per 10,000."],
            "implications": [
                {
                    "kind": "financial",
                    "text": "There are no financial implications.",
                    "sign_off": f"KB/{today:%d%m%Y}/A",
                },
                {
                    "kind": "legal",
                    "text": "There are no legal implications.",
                    "sign_off": f"TL/{today:%d%m%Y}/L",
                },
            ],
        },
        actor=ACTOR,
    )
    agenda.attach_figures(
        session,
        created[3].id,
        "Children in care scorecard",
        [
            {"label": "Children in care", "count": 412, "rate": 71.2, "unit": "rate"},
            {"label": "Placed more than 20 miles from home", "count": 3, "percent": 0.7},
            {"label": "Three or more placements in the year", "count": 37, "percent": 9.0},
        ],
        actor=ACTOR,
    )
    agenda.publish(
        session,
        upcoming.id,
        actor=ACTOR,
        calendar=calendar,
        on=min(today, meetings.publication_deadline(next_day, 5, calendar)),
    )

    later = meetings.create_meeting(
        session,
        panel.id,
        meeting_date=next_day + timedelta(weeks=8),
        start_time="18:00",
        venue="Committee Room 3, Civic Centre",
        actor=ACTOR,
    )
    work_programme.add_item(
        session,
        panel.id,
        {
            "title": "Care leavers' accommodation",
            "meeting_id": later.id,
            "lead_author": "Head of Leaving Care",
            "priority": "Children and young people get the best start in life",
            "tests": ["public_interest", "evidence", "safety"],
            "notes": "Pre-decision scrutiny",
            "pre_decision": True,
        },
        actor=ACTOR,
    )
    work_programme.add_item(
        session,
        panel.id,
        {
            "title": "Early help: impact of family hubs",
            "lead_author": "Head of Early Help",
            "tests": ["value_added", "impact", "city_wide"],
        },
        actor=ACTOR,
    )
    return panel
