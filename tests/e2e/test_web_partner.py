"""A partner agency officer's pages: only the requests addressed to them, and
nothing of the child beyond the contact's reference, its date and the question."""

from __future__ import annotations

import re

from tests.e2e.test_web_front_door import mash_worker, new_person, record_contact
from tests.e2e.webkit import csrf_from, make_user, signed_in


def _ask(engine, partner: str, question: str = "Any call-outs to the address?"):
    """A contact about a new child, with ``partner`` asked about it: (child, contact, mash)."""
    child = new_person(engine)
    mash = signed_in(engine, mash_worker(engine))
    contact_id = record_contact(mash, child)
    page = mash.get(f"/front-door/contacts/{contact_id}")
    reply = mash.post(
        f"/front-door/contacts/{contact_id}/partner-requests",
        data={
            "partner_username": partner,
            "question": question,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert reply.status_code == 303, reply.text
    return child, contact_id, mash


def _request_id(client) -> str:
    return re.search(r'href="/partner/requests/([\w-]+)"', client.get("/partner").text).group(1)


def test_a_partner_sees_their_requests_and_nothing_of_the_child(engine):
    police = make_user(engine, "partner", agency="police")
    child, contact_id, _ = _ask(engine, police)
    partner = signed_in(engine, police)
    listing = partner.get("/partner")
    assert listing.status_code == 200
    assert contact_id in listing.text and "Waiting for you" in listing.text
    page = partner.get(f"/partner/requests/{_request_id(partner)}")
    assert page.status_code == 200
    for private in (child, "Halloway", "Wren", "Bruise on the cheek", "Larkspur"):
        assert private not in page.text


def test_a_partner_cannot_open_another_partners_request(engine):
    police, health = (make_user(engine, "partner", agency=a) for a in ("police", "health"))
    _ask(engine, police)
    request_id = _request_id(signed_in(engine, police))
    other = signed_in(engine, health)
    assert other.get(f"/partner/requests/{request_id}").status_code == 403
    refused = other.post(
        f"/partner/requests/{request_id}",
        data={"text": "Nothing known.", "csrf_token": csrf_from(other.get("/").text)},
    )
    assert refused.status_code == 403
    api = other.post(
        f"/api/partner-requests/{request_id}/contributions",
        json={"text": "Nothing known."},
        headers={"X-CSRF-Token": csrf_from(other.get("/").text)},
    )
    assert api.status_code == 403
    assert other.get("/partner/requests/PART-nosuchthing").status_code == 404


def test_a_partner_cannot_open_the_childs_record_nor_the_front_door(engine):
    police = make_user(engine, "partner", agency="police")
    child, contact_id, _ = _ask(engine, police)
    partner = signed_in(engine, police)
    record = partner.get(f"/children/{child}")
    # 403 once the child's record page is in place (it needs Action.VIEW_CHILD).
    assert record.status_code in (403, 404)
    assert "Halloway" not in record.text
    assert partner.get("/front-door").status_code == 403
    assert partner.get(f"/front-door/contacts/{contact_id}").status_code == 403
    assert partner.get(f"/api/contacts/{contact_id}").status_code == 403
    assert partner.get("/admin/access-log").status_code == 403


def test_an_empty_answer_is_refused_beside_the_field(engine):
    police = make_user(engine, "partner", agency="police")
    _ask(engine, police)
    partner = signed_in(engine, police)
    request_id = _request_id(partner)
    page = partner.get(f"/partner/requests/{request_id}")
    reply = partner.post(
        f"/partner/requests/{request_id}", data={"text": "   ", "csrf_token": csrf_from(page.text)}
    )
    assert reply.status_code == 422
    assert '<p id="text-error" class="govuk-error-message">' in reply.text
    assert "Enter what your agency knows" in reply.text


def test_a_partner_cannot_add_once_the_contact_is_decided(engine):
    police = make_user(engine, "partner", agency="police")
    _, contact_id, mash = _ask(engine, police)
    page = mash.get(f"/front-door/contacts/{contact_id}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text).group(1)
    day = re.search(
        r'name="decided_on-day" type="text" inputmode="numeric" value="(\d+)"', page.text
    )
    month = re.search(r'name="decided_on-month" [^>]*value="(\d+)"', page.text)
    year = re.search(r'name="decided_on-year" [^>]*value="(\d+)"', page.text)
    decided = mash.post(
        f"/front-door/contacts/{contact_id}/decision",
        data={
            "decision": "NFA",
            "reason": "Below threshold.",
            "decided_on-day": day.group(1),
            "decided_on-month": month.group(1),
            "decided_on-year": year.group(1),
            "expected_version": version,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert decided.status_code == 303, decided.text
    partner = signed_in(engine, police)
    request_id = _request_id(partner)
    assert "Closed" in partner.get("/partner").text
    reply = partner.post(
        f"/partner/requests/{request_id}",
        data={"text": "Late news.", "csrf_token": csrf_from(partner.get("/").text)},
    )
    assert reply.status_code == 409
    assert "already decided" in reply.text
    assert "NFA" not in reply.text  # the partner is not told the decision


def test_someone_else_cannot_use_the_partner_pages(engine):
    worker = signed_in(engine, mash_worker(engine))
    assert worker.get("/partner").status_code == 403
    assert worker.get("/api/partner/requests").status_code == 403
