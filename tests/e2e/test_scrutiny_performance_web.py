"""Performance to scrutiny over HTTP: the scrutiny officer attaches the scorecard
as at a date or a published board pack to an agenda item (forms and API, errors
naming the field); members see the frozen table; the public site shows it for
Part 1 items of published agendas only, small numbers as ``c``, with the pack's
PDF; attaching after publication waits for the next published version."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from casebook.performance import packs
from casebook.settings import Settings
from casebook.web.app import create_app
from tests.e2e.webkit import PASSWORD, csrf_from, make_user
from tests.unit.test_packs_render import figures


def _client(engine, username, data_dir) -> TestClient:
    client = TestClient(create_app(engine, Settings(data_dir=data_dir)), follow_redirects=False)
    if username:
        page = client.get("/sign-in")
        reply = client.post(
            "/sign-in",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        )
        assert reply.status_code == 303
    return client


def _post(client, url, data):
    return client.post(url, data={"csrf_token": csrf_from(client.get("/scrutiny").text), **data})


def _made(reply, kind: str) -> str:
    assert reply.status_code == 303, reply.text[:2000]
    return re.search(rf"/scrutiny/{kind}/([0-9a-f]+)", reply.headers["location"])[1]


@pytest.fixture
def setting(engine, tmp_path):
    officer = _client(engine, make_user(engine, "scrutiny_officer"), tmp_path)
    councillor = _client(engine, make_user(engine, "councillor"), tmp_path)
    public = _client(engine, None, tmp_path)
    shown = figures()
    shown["period"]["name"] = f"S{uuid.uuid4().hex[:8]}"  # a period of its own
    with Session(engine, expire_on_commit=False) as s:
        pack = packs.publish(s, shown, {"summary": "Steady."}, title="Q3 pack", actor="perf")
    body = _made(
        _post(
            officer,
            "/scrutiny/bodies",
            {"body-name": f"Perf {uuid.uuid4().hex[:6]}", "body-kind": "scrutiny_panel"},
        ),
        "bodies",
    )
    when = date.today() + timedelta(days=30)
    meeting = _made(
        _post(
            officer,
            f"/scrutiny/bodies/{body}/meetings",
            {
                "meeting-meeting_date-day": str(when.day),
                "meeting-meeting_date-month": str(when.month),
                "meeting-meeting_date-year": str(when.year),
                "meeting-mode": "in_room",
                "meeting-public": "Y",
            },
        ),
        "meetings",
    )
    for number, extra in (("1", {}), ("2", {"item-exempt": "Y", "item-exempt_reason": "Para 1"})):
        title = {"1": "Performance report", "2": "Secret staffing"}[number]
        reply = _post(
            officer,
            f"/scrutiny/meetings/{meeting}/items",
            {"item-number": number, "item-title": title, **extra},
        )
        assert reply.status_code == 303
    page = officer.get(f"/scrutiny/meetings/{meeting}").text
    items = re.findall(r"/scrutiny/items/([0-9a-f]+)", page)
    open_item, exempt_item = list(dict.fromkeys(items))[:2]
    return {
        "officer": officer, "councillor": councillor, "public": public, "pack": pack,
        "meeting": meeting, "open": open_item, "exempt": exempt_item,
    }  # fmt: skip


def test_the_officer_attaches_and_everyone_sees_what_they_may(setting):
    officer, councillor, public = setting["officer"], setting["councillor"], setting["public"]
    meeting, open_item, exempt_item = setting["meeting"], setting["open"], setting["exempt"]
    pack = setting["pack"]

    page = officer.get(f"/scrutiny/items/{open_item}").text
    assert "Attach the scorecard as at" in page and "Attach a published board pack" in page
    assert f'<option value="{pack.id}"' in page

    # a form with errors names the field
    reply = _post(officer, f"/scrutiny/items/{exempt_item}/scorecard", {})
    assert reply.status_code == 422 and 'href="#scorecard-as_at"' in reply.text
    reply = _post(officer, f"/scrutiny/items/{open_item}/pack", {"pack-pack_id": "999999"})
    assert reply.status_code == 422 and 'href="#pack-pack_id"' in reply.text

    day = {
        "scorecard-as_at-day": "31",
        "scorecard-as_at-month": "3",
        "scorecard-as_at-year": "2025",
    }
    assert _post(officer, f"/scrutiny/items/{exempt_item}/scorecard", day).status_code == 303
    assert (
        _post(officer, f"/scrutiny/items/{open_item}/pack", {"pack-pack_id": str(pack.id)})
    ).status_code == 303

    # members see the frozen tables, with as-at, frozen-on, RAG and the pack's PDF
    page = councillor.get(f"/scrutiny/items/{exempt_item}").text
    assert "Performance scorecard as at 31 March 2025" in page
    assert "As at 31 March 2025" in page and "Frozen on" in page
    assert "Attach the scorecard" not in page  # no forms for a member
    page = councillor.get(f"/scrutiny/items/{open_item}").text
    assert "Q3 pack (board pack, version 1)" in page and "Amber" in page
    assert re.search(r"Unallocated</th>\s*<td[^>]*>c</td>", page)  # a count of 3
    pdf = councillor.get(f"/scrutiny/items/{open_item}/pack.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert councillor.get(f"/scrutiny/items/{exempt_item}/pack.pdf").status_code == 404
    reply = councillor.post(
        f"/scrutiny/items/{open_item}/pack",
        data={"csrf_token": csrf_from(page), "pack-pack_id": str(pack.id)},
    )
    assert reply.status_code == 403

    # the public: the Part 1 item's frozen table once published; never the exempt one
    assert public.get(f"/public/meetings/{meeting}").status_code == 404  # not published yet
    assert _post(officer, f"/scrutiny/meetings/{meeting}/publish", {}).status_code == 303
    page = public.get(f"/public/meetings/{meeting}").text
    assert "Q3 pack (board pack, version 1)" in page
    assert re.search(r"Unallocated</th>\s*<td[^>]*>c</td>", page)
    assert "Secret staffing" not in page and "Performance scorecard" not in page
    link = f"/public/meetings/{meeting}/packs/{pack.id}/pdf?version=1"
    assert link in page
    assert public.get(link).content.startswith(b"%PDF-")
    assert public.get(f"/public/meetings/{meeting}/packs/999999/pdf").status_code == 404
    assert public.get(f"/public/meetings/{meeting}?version=99999999999").status_code == 422

    # after publication: the live item changes, the published agenda waits for a new version
    headers = {"X-CSRF-Token": csrf_from(officer.get("/scrutiny").text)}
    reply = officer.post(
        f"/api/scrutiny/items/{open_item}/scorecard", headers=headers, json={"as_at": "2025-03-31"}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["provenance"]["as_at"] == "2025-03-31"
    assert "The agenda is published" in officer.get(f"/scrutiny/items/{open_item}").text
    page = public.get(f"/public/meetings/{meeting}").text
    assert "Q3 pack (board pack, version 1)" in page and "Performance scorecard" not in page


def test_the_api_names_the_field_and_answers_404(setting):
    officer, councillor = setting["officer"], setting["councillor"]
    item, pack = setting["open"], setting["pack"]
    headers = {"X-CSRF-Token": csrf_from(officer.get("/scrutiny").text)}
    url = f"/api/scrutiny/items/{item}"
    for body, field in (
        ({}, "as_at"),
        ({"as_at": "2025-13-01"}, "as_at"),
        ({"as_at": "2025-03-31", "start": "2025-04-01"}, "start"),
        ({"as_at": "2025-03-31", "extra": 1}, "extra"),
    ):
        reply = officer.post(f"{url}/scorecard", headers=headers, json=body)
        assert reply.status_code == 422 and field in reply.text, (body, reply.text)
    for body, status in (({}, 422), ({"pack_id": "x"}, 422), ({"pack_id": 2**62}, 422)):
        assert officer.post(f"{url}/pack", headers=headers, json=body).status_code == status
    assert officer.post(f"{url}/pack", headers=headers, json={"pack_id": 999999}).status_code == 404
    reply = officer.post(
        "/api/scrutiny/items/nope/scorecard", headers=headers, json={"as_at": "2025-03-31"}
    )
    assert reply.status_code == 404
    reply = officer.post(f"{url}/pack", headers=headers, json={"pack_id": pack.id})
    assert reply.status_code == 200
    data = reply.json()
    assert data["pdf"] == f"/scrutiny/items/{item}/pack.pdf"
    assert data["provenance"]["pack_id"] == pack.id
    assert {r["id"]: r["value"] for r in data["figures"]}["CP2"] == "c"
    assert councillor.get(f"{url}/figures").json()["title"] == "Q3 pack (board pack, version 1)"
    cheader = {"X-CSRF-Token": csrf_from(councillor.get("/scrutiny").text)}
    assert (
        councillor.post(f"{url}/pack", headers=cheader, json={"pack_id": pack.id}).status_code
        == 403
    )


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["2025-03-31", "1900-01-01", "2200-12-31", "2025-02-29", "\x00", "1", "0"]),
    st.lists(st.integers(), max_size=2),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_attaching_never_answers_500(setting, data):
    officer = setting["officer"]
    headers = {"X-CSRF-Token": csrf_from(officer.get("/scrutiny").text)}
    item = data.draw(st.sampled_from([setting["open"], "nope", "x" * 100]))
    kind = data.draw(st.sampled_from(["scorecard", "pack"]))
    keys = ["as_at", "start"] if kind == "scorecard" else ["pack_id"]
    body = data.draw(st.dictionaries(st.sampled_from([*keys, "other"]), VALUES, max_size=3))
    reply = officer.post(f"/api/scrutiny/items/{item}/{kind}", headers=headers, json=body)
    assert reply.status_code < 500, (kind, body, reply.text[:300])
    form = {
        k: str(v) for k, v in data.draw(st.dictionaries(
            st.sampled_from(["scorecard-as_at-day", "scorecard-as_at-month",
                             "scorecard-as_at-year", "pack-pack_id"]),
            st.one_of(st.text(max_size=8), st.integers(-(2**40), 2**40)), max_size=4,
        )).items()
    }  # fmt: skip
    reply = _post(officer, f"/scrutiny/items/{setting['open']}/{kind}", form)
    assert reply.status_code in (303, 422), (kind, form, reply.text[:300])
