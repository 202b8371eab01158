"""Review fixes, as a councillor: a breakdown never gives a suppressed figure away by
subtraction (secondary suppression), on the page and in the API."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy.orm import Session

from casebook.performance import trends
from casebook.record.models import Contact, Department, Involvement, Person, Professional
from tests.e2e.webkit import make_user, signed_in

#: A month no other test puts contacts in: the authority's figure is ours alone.
PERIOD = "2013-02"


@pytest.fixture(scope="module")
def world(engine):
    """Three localities of one team each: 9, 1 and 7 contacts in February 2013."""
    tag = uuid.uuid4().hex[:6]
    sizes = {"N": 9, "S": 1, "E": 7}
    places: dict[str, tuple[str, str]] = {}
    with Session(engine) as s:
        for key, n in sizes.items():
            locality, team, worker, child = (
                f"SL{key}-{tag}",
                f"ST{key}-{tag}",
                f"SW{key}-{tag}",
                f"SK{key}-{tag}",
            )
            places[key] = (locality, team)
            s.add(Department(dept_team_id=locality, dept_team_name=f"Locality {key} {tag}"))
            s.add(
                Department(
                    dept_team_id=team,
                    dept_team_name=f"Team {key} {tag}",
                    dept_team_parent_id=locality,
                )
            )
            s.add(Professional(prof_professional_id=worker, prof_professional_name="W"))
            s.add(Person(pers_person_id=child, pers_forename="Sup", pers_surname=child,
                         pers_dob=date(2008, 1, 1)))  # fmt: skip
            s.flush()
            s.add(Involvement(invo_involvements_id=f"SI-{child}", invo_person_id=child,
                              invo_professional_id=worker, invo_professional_team=team,
                              invo_involvement_start_date=date(2012, 1, 1)))  # fmt: skip
            for i in range(n):
                s.add(Contact(cont_contact_id=f"SC{i}-{child}", cont_person_id=child,
                              cont_contact_date=date(2013, 2, 4 + i)))  # fmt: skip
        s.commit()
    trends.CACHE.clear()
    return {"places": places, "councillor": make_user(engine, "councillor"),
            "officer": make_user(engine, "performance_officer")}  # fmt: skip


def _breakdown(engine, world, who: str, by: str) -> dict:
    reply = signed_in(engine, world[who]).get(
        f"/api/performance/measures/FD1/breakdown?period={PERIOD}&by={by}"
    )
    assert reply.status_code == 200
    return reply.json()


def _by_key(breakdown: dict) -> dict:
    return {r["key"]: r["figure"]["value"] for r in breakdown["rows"]}


@pytest.mark.parametrize("by", ["locality", "team"])
def test_one_hidden_group_hides_the_next_smallest_too(engine, world, by) -> None:
    at = 0 if by == "locality" else 1
    north, south, east = (world["places"][k][at] for k in ("N", "S", "E"))
    officer = _breakdown(engine, world, "officer", by)
    assert officer["whole"]["value"] == 17
    assert {k: v for k, v in _by_key(officer).items() if k in (north, south, east)} == {
        north: 9,
        south: 1,
        east: 7,
    }
    shown = _breakdown(engine, world, "councillor", by)
    values = _by_key(shown)
    # Before the fix: whole 17, north 9, east 7 shown, so south's c was 17 - 9 - 7 = 1.
    assert shown["whole"]["value"] == 17
    assert values[south] == "c"
    assert values[east] == "c"  # the next smallest, hidden so south cannot be worked out
    assert values[north] == 9


def test_the_drill_down_page_hides_the_same_groups(engine, world) -> None:
    east_name = f"Locality E {world['places']['E'][0].split('-')[1]}"
    html = (
        signed_in(engine, world["councillor"])
        .get(f"/performance/measures/FD1?period={PERIOD}&by=locality")
        .text
    )
    assert east_name in html
    row = html.split(east_name, 1)[1].split("</tr>", 1)[0]
    assert "suppressed: a small number" in row
    assert ">7<" not in row.replace(" ", "")


def test_a_team_hidden_in_the_authoritys_breakdown_stays_hidden_when_opened(engine, world):
    east_team = world["places"]["E"][1]
    reply = signed_in(engine, world["councillor"]).get(
        f"/api/performance/measures/FD1/breakdown?period={PERIOD}&by=worker&team={east_team}"
    )
    assert reply.status_code == 200
    # 7 contacts, but the team is hidden beside the authority's other teams: so here too.
    assert reply.json()["whole"]["value"] == "c"
    officer = signed_in(engine, world["officer"]).get(
        f"/api/performance/measures/FD1/breakdown?period={PERIOD}&by=worker&team={east_team}"
    )
    assert officer.json()["whole"]["value"] == 7
