"""Finding children by id, name and date of birth, and likely duplicates, on SQLite
and PostgreSQL; and the name keys kept filled by every kind of write."""

from __future__ import annotations

import importlib.util
from datetime import date

from alembic import command
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from casebook.access.models import AppUser, RecordRestriction
from casebook.access.policy import User, visible_children
from casebook.access.roles import Role
from casebook.interchange.bulk import insert_rows
from casebook.record import services
from casebook.record.models import Address, Department, Involvement, Person, Professional
from casebook.record.models.base import ENTERED_IN_ERROR
from casebook.record.names import name_key
from casebook.record.schema import MIGRATIONS, alembic_config, upgrade
from casebook.record.search import find_children, likely_duplicates
from casebook.record.unit_of_work import UnitOfWork

ON = date(2025, 3, 1)


def _add(session: Session, *rows: object) -> None:
    for row in rows:
        session.add(row)
        session.flush()


def _person(pid: str, forename: str | None, surname: str | None, dob: date | None, **kw) -> Person:
    return Person(
        pers_person_id=pid, pers_forename=forename, pers_surname=surname, pers_dob=dob, **kw
    )


def _city(session: Session) -> None:
    _add(
        session,
        _person("S-1", "John", "Smith", date(2015, 3, 4), pers_sex="M"),
        _person("S-2", "Jon", "Smyth", date(2016, 7, 1)),
        _person("S-3", "Jane", "Smith", date(2014, 1, 9)),
        _person("S-4", "Johnny", "Smithson", date(2013, 5, 5)),
        _person("S-5", "Mary", "MacDonald", date(2015, 3, 4)),
        _person("S-6", "Ewan", "McDonald", date(2012, 8, 20)),
        _person("S-7", "Aisha", "Khan", date(2015, 3, 4)),
        _person("S-8", "John", "Jones", date(2015, 3, 4)),
        _person("S-9", "John", "Smith", date(1985, 2, 2), cb_person_type="adult"),
    )


def _ids(hits) -> list[str]:
    return [h.person_id for h in hits]


# --------------------------------------------------------------------------- names


def test_a_misspelt_name_finds_the_child(db_session: Session) -> None:
    _city(db_session)
    hits = find_children(db_session, name="Jon Smyth")
    assert _ids(hits)[:2] == ["S-2", "S-1"]  # the exact spelling first
    assert "S-3" in _ids(hits)  # Jane sounds like Jon (JN) but is spelt further away
    assert _ids(hits).index("S-1") < _ids(hits).index("S-3")
    assert hits[0].why == "surname same, forename same"
    john = hits[1]
    assert john.why == "surname sounds the same, forename sounds the same"
    assert (john.forename, john.surname, john.dob, john.sex) == (
        "John",
        "Smith",
        date(2015, 3, 4),
        "M",
    )


def test_mc_and_mac_are_the_same_name(db_session: Session) -> None:
    _city(db_session)
    assert set(_ids(find_children(db_session, name="McDonald"))) == {"S-5", "S-6"}
    assert set(_ids(find_children(db_session, name="macdonald"))) == {"S-5", "S-6"}


def test_the_same_spelling_ranks_above_the_start_above_the_sound(db_session: Session) -> None:
    _city(db_session)
    hits = find_children(db_session, name="Smith")
    assert _ids(hits) == ["S-3", "S-1", "S-4", "S-2"]
    assert [h.why for h in hits] == [
        "surname same",
        "surname same",
        "surname starts the same",
        "surname sounds the same",
    ]
    assert hits[0].score > hits[2].score > hits[3].score


def test_the_start_of_a_name_finds_it(db_session: Session) -> None:
    _city(db_session)
    hits = find_children(db_session, name="Smi")
    assert _ids(hits) == ["S-3", "S-1", "S-4", "S-2"]  # Smith, Smith, Smithson, then Smyth
    assert hits[-1].why == "surname sounds like the start"
    assert _ids(find_children(db_session, name="Johnny Smithson")) == ["S-4"]
    hits = find_children(db_session, name="J Smiths")  # an initial, and Smiths...
    assert hits[0].person_id == "S-4"
    assert hits[0].why == "surname starts the same, forename starts the same"
    assert {h.why for h in hits[1:]} == {  # ...which might be a slip for Smith
        "surname sounds like the start, forename starts the same"
    }


def test_surname_first_with_or_without_a_comma(db_session: Session) -> None:
    _city(db_session)
    assert _ids(find_children(db_session, name="Khan, Aisha")) == ["S-7"]
    hits = find_children(db_session, name="Khan Ayesha")
    assert _ids(hits) == ["S-7"]
    assert hits[0].why.endswith("names the other way round")


def test_name_and_date_of_birth(db_session: Session) -> None:
    _city(db_session)
    hits = find_children(db_session, name="John Smith", dob=date(2015, 3, 4))
    assert _ids(hits) == ["S-1"]
    assert hits[0].why == "surname same, forename same; same date of birth"
    assert find_children(db_session, name="John Smith", dob=date(2015, 3, 5)) == []


def test_date_of_birth_alone(db_session: Session) -> None:
    _city(db_session)
    hits = find_children(db_session, dob=date(2015, 3, 4))
    assert _ids(hits) == ["S-8", "S-7", "S-5", "S-1"]  # by surname
    assert {h.why for h in hits} == {"date of birth"}


def test_id_first(db_session: Session) -> None:
    _city(db_session)
    assert _ids(find_children(db_session, person_id="S-5")) == ["S-5"]
    hits = find_children(db_session, person_id="S-8", name="Smith")
    assert _ids(hits)[0] == "S-8"
    assert hits[0].why == "person id" and hits[0].score == 100
    assert find_children(db_session, person_id="NOBODY") == []


def test_nothing_asked_nothing_found(db_session: Session) -> None:
    _city(db_session)
    assert find_children(db_session) == []
    assert find_children(db_session, name="   ") == []
    assert find_children(db_session, name="Zebedee") == []


def test_only_active_children_are_found(db_session: Session) -> None:
    _city(db_session)
    assert "S-9" not in _ids(find_children(db_session, name="John Smith"))  # an adult
    db_session.get(Person, "S-1").cb_status = ENTERED_IN_ERROR
    db_session.flush()
    assert "S-1" not in _ids(find_children(db_session, name="John Smith"))
    assert find_children(db_session, person_id="S-1") == []


def test_limit(db_session: Session) -> None:
    _city(db_session)
    assert _ids(find_children(db_session, name="Smith", limit=2)) == ["S-3", "S-1"]


def test_the_current_address_postcode(db_session: Session) -> None:
    _city(db_session)
    _add(
        db_session,
        Address(
            addr_table_id="A-1",
            addr_person_id="S-1",
            addr_address_type="HOME",
            addr_address_start_date=date(2015, 3, 4),
            addr_address_end_date=date(2020, 1, 1),
            addr_address_postcode="LS1 1AA",
        ),
        Address(
            addr_table_id="A-2",
            addr_person_id="S-1",
            addr_address_type="HOME",
            addr_address_start_date=date(2020, 1, 1),
            addr_address_postcode="LS2 2BB",
        ),
    )
    [hit] = find_children(db_session, name="John Smith", dob=date(2015, 3, 4))
    assert hit.postcode == "LS2 2BB"
    assert find_children(db_session, person_id="S-3")[0].postcode is None


# --------------------------------------------------------------------------- who may see


def test_the_callers_condition_limits_the_search(db_session: Session) -> None:
    _city(db_session)
    hidden = Person.pers_person_id != "S-1"
    assert "S-1" not in _ids(find_children(db_session, name="Smith", visible=hidden))
    assert find_children(db_session, person_id="S-1", visible=hidden) == []
    assert "S-1" not in _ids(find_children(db_session, dob=date(2015, 3, 4), visible=hidden))


def test_the_access_policy_applies_in_the_search(db_session: Session) -> None:
    _city(db_session)
    _add(
        db_session,
        Department(dept_team_id="T-1", dept_team_name="Assessment team 1"),
        Professional(prof_professional_id="W-1", prof_professional_name="Sam Worker"),
        Involvement(
            invo_involvements_id="I-1",
            invo_professional_id="W-1",
            invo_professional_team="T-1",
            invo_person_id="S-2",
            invo_involvement_start_date=date(2024, 1, 1),
        ),
    )
    worker = User("sam", Role.SOCIAL_WORKER, professional_id="W-1")
    assert _ids(find_children(db_session, name="Smith", visible=visible_children(worker, ON))) == [
        "S-2"
    ]
    officer = User("pat", Role.PERFORMANCE_OFFICER)
    _add(
        db_session,
        AppUser(username="kim", display_name="Kim", role="social_worker", password_hash="x"),
    )
    _add(db_session, RecordRestriction(id="R-1", person_id="S-3", username="kim"))
    seen = _ids(find_children(db_session, name="Smith", visible=visible_children(officer, ON)))
    assert "S-3" not in seen and "S-1" in seen


# --------------------------------------------------------------------------- duplicates


def test_likely_duplicates_finds_the_same_child_typed_differently(db_session: Session) -> None:
    _city(db_session)
    hits = likely_duplicates(db_session, "Jon", "Smyth", date(2015, 3, 5))
    assert _ids(hits) == ["S-1"]
    assert hits[0].why == (
        "surname sounds the same, forename sounds the same, date of birth 1 day apart"
    )


def test_likely_duplicates_day_and_month_swapped(db_session: Session) -> None:
    _city(db_session)
    hits = likely_duplicates(db_session, "John", "Smith", date(2015, 4, 3))
    assert _ids(hits) == ["S-1"]
    assert hits[0].why.endswith("date of birth with day and month swapped")


def test_likely_duplicates_same_initial_and_adults(db_session: Session) -> None:
    _city(db_session)
    assert _ids(likely_duplicates(db_session, "Jack", "Smith", date(2014, 1, 30))) == ["S-3"]
    assert _ids(likely_duplicates(db_session, "John", "Smith", date(1985, 2, 1))) == ["S-9"]


def test_likely_duplicates_leaves_out_unrelated_children(db_session: Session) -> None:
    _city(db_session)
    assert likely_duplicates(db_session, "Peter", "Smith", date(2015, 3, 4)) == []
    assert likely_duplicates(db_session, "John", "Johnson", date(2015, 3, 4)) == []
    assert likely_duplicates(db_session, "John", "Smith", date(2015, 6, 4)) == []
    assert likely_duplicates(db_session, "John", None, date(2015, 3, 4)) == []


def test_likely_duplicates_without_a_date_of_birth(db_session: Session) -> None:
    _city(db_session)
    # Every Smith or Smyth whose forename sounds like Jonny (JN), the closest spelling first.
    hits = likely_duplicates(db_session, "Jonny", "Smith", None)
    assert _ids(hits) == ["S-1", "S-9", "S-3", "S-2"]


def test_likely_duplicates_best_first(db_session: Session) -> None:
    _city(db_session)
    _add(db_session, _person("S-10", "John", "Smith", date(2015, 3, 20)))
    hits = likely_duplicates(db_session, "John", "Smith", date(2015, 3, 4))
    assert _ids(hits) == ["S-1", "S-10"]
    assert hits[0].score > hits[1].score


# --------------------------------------------------------------------------- keys on every write


def _keys(session: Session, pid: str) -> tuple[str | None, str | None]:
    surname_key, forename_key = session.execute(
        select(Person.cb_surname_key, Person.cb_forename_key).where(Person.pers_person_id == pid)
    ).one()
    return surname_key, forename_key


def test_the_orm_keeps_the_keys(db_session: Session) -> None:
    _add(db_session, _person("K-1", "Jon", "Smyth", None))
    assert _keys(db_session, "K-1") == ("SMT", "JN")
    db_session.get(Person, "K-1").pers_surname = "MacDonald"
    db_session.flush()
    assert _keys(db_session, "K-1") == ("MKTNLT", "JN")


def test_the_services_keep_the_keys(db_session: Session) -> None:
    uow = UnitOfWork(session=db_session)
    actor = services.Actor("tester")
    person = services.create(uow, Person, {"pers_forename": "Aisha", "pers_surname": "Khan"}, actor)
    assert _keys(db_session, person.pers_person_id) == (name_key("Khan"), name_key("Aisha"))
    services.update(uow, Person, person.pers_person_id, {"pers_forename": "Ayesha"}, 1, actor)
    assert _keys(db_session, person.pers_person_id) == (name_key("Khan"), name_key("Ayesha"))


def test_bulk_loads_fill_the_keys(db_session: Session) -> None:
    count = insert_rows(
        db_session.connection(),
        Person.__table__,
        ("pers_person_id", "pers_forename", "pers_surname", "cb_person_type"),
        iter([("B-1", "Jon", "Smyth", "child"), ("B-2", None, "O'Brien", "child")]),
    )
    assert count == 2
    assert _keys(db_session, "B-1") == ("SMT", "JN")
    assert _keys(db_session, "B-2") == ("ABRN", None)
    assert _ids(find_children(db_session, name="John Smith")) == ["B-1"]


def test_the_migration_fills_the_keys_of_people_already_recorded(fresh_engine: Engine) -> None:
    with fresh_engine.begin() as conn:
        command.downgrade(alembic_config(fresh_engine, conn), "0003")
    with fresh_engine.begin() as conn:
        for i, (forename, surname) in enumerate(
            [("Jon", "Smyth"), ("Zoë", "McDonald"), (None, None)]
        ):
            conn.execute(
                text(
                    "INSERT INTO ssd_person (pers_person_id, pers_forename, pers_surname)"
                    " VALUES (:i, :f, :s)"
                ),
                {"i": f"M-{i}", "f": forename, "s": surname},
            )
    upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT pers_person_id, cb_surname_key, cb_forename_key FROM ssd_person ORDER BY 1"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("M-0", "SMT", "JN"),
        ("M-1", "MKTNLT", "S"),
        ("M-2", None, None),
    ]


def test_the_migration_fills_in_batches(db_session: Session) -> None:
    path = MIGRATIONS / "versions" / "0004_person_search_keys.py"
    spec = importlib.util.spec_from_file_location("migration_0004", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    _add(db_session, *(_person(f"F-{i}", "Jon", "Smyth", None) for i in range(5)))
    db_session.execute(text("UPDATE ssd_person SET cb_surname_key = NULL, cb_forename_key = NULL"))
    everyone = db_session.scalar(select(func.count()).select_from(Person))
    assert migration.fill_keys(db_session.connection(), batch=2) == everyone
    assert {_keys(db_session, f"F-{i}") for i in range(5)} == {("SMT", "JN")}
