"""Whatever the scrutiny officer sends - JSON of the wrong shapes, forms full of
odd text - the scrutiny routes answer 2xx, 3xx or 4xx, never 500.

(``test_api_fuzz.py`` sends its requests as a social worker, who is refused at
the door here; these go past the guard.)"""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from casebook.scrutiny import agenda, bodies, meetings, minutes
from casebook.settings import Settings
from casebook.web.app import create_app
from tests.e2e.webkit import PASSWORD, csrf_from, make_user

ODD = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "0",
            "-1",
            "99999999999999999999",
            "2025-02-30",
            "yes",
            "Y",
            "red",
            "chair",
            "present_room",
            "substitute",
            "member",
            "done",
            "x" * 3000,
            "financial | text | AB/01012020/A",
            "Body | 2025-13-01",
            "Recommendation:",
        ]
    ),
)
JSON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    ODD,
    st.lists(st.one_of(ODD, st.dictionaries(ODD, ODD, max_size=3)), max_size=3),
)
API_FIELDS = [
    "appendices",
    "route",
    "implications",
    "number",
    "title",
    "exempt",
    "page_from",
    "page_to",
    "figures",
    "status",
    "response",
    "due_date",
    "expected_version",
    "resolution_key",
    "body_id",
    "asked",
    "description",
    "owner",
    "group_title",
    "verbal_update",
    "report_to_follow",
]


@pytest.fixture(scope="module")
def world(engine, tmp_path_factory):
    with Session(engine) as db:
        body = bodies.create_body(db, name="Fuzz Panel", kind="scrutiny_panel", quorum=2, actor="t")
        member = bodies.add_member(db, body.id, name="Fuzz Member", role="member", actor="t")
        meeting = meetings.create_meeting(db, body.id, meeting_date=date(2031, 1, 8), actor="t")
        item = agenda.add_item(db, meeting.id, {"number": 1, "title": "Item"}, actor="t")
        draft = minutes.start(db, meeting.id, actor="t")
        entry = minutes.add_item(
            db, draft.id, number=1, title="Item", resolutions="Noted.", actor="t"
        )
        ids = {
            "body_id": body.id,
            "meeting_id": meeting.id,
            "item_id": item.id,
            "member_id": member.id,
            "minutes_id": draft.id,
            "mi": entry.item.id,
            "key": entry.resolutions[0].key,
        }
    client = TestClient(
        create_app(engine, Settings(data_dir=tmp_path_factory.mktemp("fuzzdocs"))),
        follow_redirects=False,
    )
    username = make_user(engine, "scrutiny_officer")
    page = client.get("/sign-in")
    client.post(
        "/sign-in",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    token = csrf_from(client.get("/scrutiny").text)
    return client, ids, token


def _ids(ids) -> st.SearchStrategy[str]:
    return st.sampled_from(list(ids.values()) + ["nope", "\x00", "a" * 300])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_scrutiny_api_never_answers_500(world, data):
    client, ids, token = world
    path = data.draw(
        st.sampled_from(
            [
                "/api/scrutiny/meetings/{id}/items",
                "/api/scrutiny/items/{id}/figures",
                "/api/scrutiny/actions",
                "/api/scrutiny/actions/{id}",
                "/api/scrutiny/items/{id}/report",
            ]
        )
    )
    url = path.replace("{id}", data.draw(_ids(ids)).replace("\x00", "%00"))
    body = data.draw(st.dictionaries(st.sampled_from(API_FIELDS), JSON, max_size=6))
    reply = client.post(url, json=body, headers={"X-CSRF-Token": token})
    assert reply.status_code < 500, (url, body, reply.text[:500])


FORMS = {
    "/scrutiny/bodies": "body",
    "/scrutiny/bodies/{body_id}/members": "member",
    "/scrutiny/bodies/{body_id}/meetings": "meeting",
    "/scrutiny/bodies/{body_id}/work-programme": "wp",
    "/scrutiny/meetings/{meeting_id}/items": "item",
    "/scrutiny/meetings/{meeting_id}/roll": "roll",
    "/scrutiny/meetings/{meeting_id}/declarations": "declaration",
    "/scrutiny/meetings/{meeting_id}/minutes": "minute",
    "/scrutiny/items/{item_id}/report": "report",
    "/scrutiny/items/{item_id}": "item",
    "/scrutiny/actions": "action",
    "/scrutiny/settings": "settings",
    "/scrutiny/minute-items/{mi}": "mi1",
    "/scrutiny/minutes/{minutes_id}/approve": "approve",
}
FORM_FIELDS = [
    "appendices",
    "name",
    "kind",
    "quorum",
    "remit",
    "role",
    "party",
    "voting",
    "start_time",
    "mode",
    "title",
    "number",
    "exempt",
    "page_from",
    "page_to",
    "status",
    "member_id",
    "substitute_for_id",
    "agenda_item_id",
    "designation",
    "key_decision",
    "route",
    "implications",
    "resolutions",
    "narrative",
    "description",
    "owner",
    "resolution_key",
    "meeting_id",
    "tests",
    "due_date-day",
    "due_date-month",
    "due_date-year",
    "meeting_date-day",
    "meeting_date-month",
    "meeting_date-year",
]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_scrutiny_forms_never_answer_500(world, data):
    client, ids, token = world
    path = data.draw(st.sampled_from(sorted(FORMS)))
    prefix = FORMS[path]
    url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
    fields = data.draw(st.dictionaries(st.sampled_from(FORM_FIELDS), ODD, max_size=8))
    form = {f"{prefix}-{k}": v.replace("\x00", "") for k, v in fields.items()}
    if "member_id" in fields and data.draw(st.booleans()):
        form[f"{prefix}-member_id"] = ids["member_id"]
    reply = client.post(url, data={"csrf_token": token, **form})
    assert reply.status_code < 500, (url, form, reply.text[:500])
