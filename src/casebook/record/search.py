"""Finding a child: by id, by a name however it was spelled, by date of birth;
and the people a new record might duplicate.

Every lookup is an indexed one, however many people the record holds: the
person id is the primary key; names are found through their sound keys
(:mod:`casebook.record.names`) with an equality or a range on
``ix_ssd_person_name_keys``; a date of birth alone uses ``ix_ssd_person_pers_dob``.
The caller's ``visible`` condition (the access policy's ``visible_children``)
is part of the same SQL, so a child the user may not see is never read.

Names are ranked: the same spelling above a spelling that starts the same,
above one that sounds the same, above one whose sound only starts the same;
among those that sound alike, the closer spelling first. The database orders
the candidates coarsely so that only the best few hundred are read; Python
scores those exactly and says why each matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from difflib import SequenceMatcher

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from casebook.record.models import Address, Person
from casebook.record.models.base import ACTIVE
from casebook.record.names import compact, name_key, prefix_key

#: Ids per ``IN (...)`` list, under SQLite's limit on bound parameters.
CHUNK = 900
#: How far apart two dates of birth may be and still suggest the same person.
NEAR_DOB = timedelta(days=31)
#: Candidates read for every hit returned, so that the exact scoring has room to reorder.
CANDIDATES_PER_HIT = 4
MIN_CANDIDATES = 200

# How well one typed name part matches a recorded one, best first.
SAME, STARTS, SOUNDS, SOUNDS_START, NONE = 4, 3, 2, 1, 0
_LEVEL_WORDS = {
    SAME: "same",
    STARTS: "starts the same",
    SOUNDS: "sounds the same",
    SOUNDS_START: "sounds like the start",
}
_SURNAME_POINTS = {SAME: 40, STARTS: 32, SOUNDS: 24, SOUNDS_START: 14, NONE: 0}
_FORENAME_POINTS = {SAME: 30, STARTS: 24, SOUNDS: 18, SOUNDS_START: 10, NONE: 0}
_SWAPPED_PENALTY = 10
ID_SCORE = 100
DOB_SCORE = 50


@dataclass(frozen=True)
class SearchHit:
    """One person found, with what the results list shows and why they matched.

    ``score`` orders the hits (100 for the exact person id); ``why`` says in
    words what matched, never repeating what was typed.
    """

    person_id: str
    forename: str | None
    surname: str | None
    dob: date | None
    sex: str | None
    postcode: str | None  # of the current address, if any
    score: int
    why: str
    person_type: str = "child"


@dataclass(frozen=True)
class NameQuery:
    """A typed name split into its parts.

    "John Smith" is forename John, surname Smith; "Smith, John" the same; a
    single word is a surname; with three or more words the middle ones are
    taken as middle names and ignored. Two words without a comma may have
    been typed surname first, so both orders are tried (the typed order ranks
    higher).
    """

    forename: str | None
    surname: str | None
    either_order: bool = False


def parse_name(text: str | None) -> NameQuery | None:
    """The name typed into a search box, split into forename and surname; None if blank."""
    if not text or not text.strip():
        return None
    if "," in text:
        before, _, after = text.partition(",")
        forenames = after.split()
        return NameQuery(forenames[0] if forenames else None, before.strip() or None)
    words = text.split()
    if len(words) == 1:
        return NameQuery(None, words[0])
    return NameQuery(words[0], words[-1], either_order=len(words) == 2)


# --------------------------------------------------------------------------- find_children


def find_children(
    session: Session,
    *,
    name: str | None = None,
    dob: date | None = None,
    person_id: str | None = None,
    visible: ColumnElement[bool] | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Children matching an id, a name, a date of birth, or a name and date of birth.

    The child with exactly ``person_id`` comes first; then children whose
    names match ``name`` (born on ``dob`` if given), best first; with no
    name, the children born on ``dob``. Only active children for whom
    ``visible`` (a condition on :class:`Person`) holds are found.
    """
    base = [Person.cb_status == ACTIVE, Person.cb_person_type == "child"]
    if visible is not None:
        base.append(visible)
    hits: list[SearchHit] = []
    if person_id and person_id.strip():
        hits += _by_id(session, person_id.strip(), base)
    query = parse_name(name)
    if query is not None:
        hits += _by_name(session, query, dob, base, limit)
    elif dob is not None:
        hits += _by_dob(session, dob, base, limit)
    unique: dict[str, SearchHit] = {}
    for hit in hits:
        unique.setdefault(hit.person_id, hit)  # the id match, when there is one
    return _with_postcodes(session, list(unique.values())[:limit])


def _columns():
    return (
        Person.pers_person_id,
        Person.pers_forename,
        Person.pers_surname,
        Person.pers_dob,
        Person.pers_sex,
        Person.cb_person_type,
    )


def _hit(row, score: int, why: str) -> SearchHit:
    return SearchHit(
        person_id=row.pers_person_id,
        forename=row.pers_forename,
        surname=row.pers_surname,
        dob=row.pers_dob,
        sex=row.pers_sex,
        postcode=None,
        score=score,
        why=why,
        person_type=row.cb_person_type,
    )


def _by_id(session: Session, person_id: str, base: list) -> list[SearchHit]:
    row = session.execute(
        select(*_columns()).where(Person.pers_person_id == person_id, *base)
    ).first()
    return [_hit(row, ID_SCORE, "person id")] if row else []


def _by_dob(session: Session, dob: date, base: list, limit: int) -> list[SearchHit]:
    rows = session.execute(
        select(*_columns())
        .where(Person.pers_dob == dob, *base)
        .order_by(Person.pers_surname, Person.pers_forename, Person.pers_person_id)
        .limit(limit)
    )
    return [_hit(row, DOB_SCORE, "date of birth") for row in rows]


def _by_name(
    session: Session, query: NameQuery, dob: date | None, base: list, limit: int
) -> list[SearchHit]:
    orders = [(query.forename, query.surname, False)]
    if query.either_order:
        orders.append((query.surname, query.forename, True))
    wanted = [(f, s, swapped) for f, s, swapped in orders if name_key(s)]
    if not wanted:
        return []
    conditions = [_order_condition(f, s) for f, s, _ in wanted]
    tiers = [_order_tier(f, s) for f, s, _ in wanted]
    tier = tiers[0] if len(tiers) == 1 else case((conditions[0], 16 + tiers[0]), else_=tiers[1])
    stmt = (
        select(*_columns())
        .where(or_(*conditions), *base)
        .order_by(tier.desc(), Person.pers_surname, Person.pers_forename, Person.pers_person_id)
        .limit(max(limit * CANDIDATES_PER_HIT, MIN_CANDIDATES))
    )
    if dob is not None:
        stmt = stmt.where(Person.pers_dob == dob)
    hits = []
    for row in session.execute(stmt):
        best = max(
            (_name_score(row, f, s, swapped) for f, s, swapped in wanted), key=lambda x: x[0]
        )
        score, why = best
        if score <= 0:
            continue
        if dob is not None:
            why += "; same date of birth"
        hits.append(_hit(row, score, why))
    hits.sort(key=lambda h: (-h.score, h.surname or "", h.forename or "", h.person_id))
    return hits


def _key_match(
    column: InstrumentedAttribute, typed: str, fewest_letters: int
) -> ColumnElement[bool]:
    """The recorded key is the typed name's key, or (with ``fewest_letters`` typed or
    more) starts with the key of the typed start (:func:`~casebook.record.names.prefix_key`).

    A surname needs two letters to be taken as a start (one letter would read a
    twentieth of the city); a forename, searched among the surname's matches, one:
    an initial."""
    key = name_key(typed)
    start = prefix_key(typed)
    if len(compact(typed)) < fewest_letters or not start:
        return column == key
    return and_(column >= start, column < _after_prefix(start))


def _after_prefix(key: str) -> str:
    """The least string greater than every string starting with ``key`` (keys are A-Z)."""
    return key[:-1] + chr(ord(key[-1]) + 1)


def _order_condition(forename: str | None, surname: str) -> ColumnElement[bool]:
    condition = _key_match(Person.cb_surname_key, surname, 2)
    if forename and name_key(forename):
        condition = and_(condition, _key_match(Person.cb_forename_key, forename, 1))
    return condition


def _part_tier(column: InstrumentedAttribute, key_column: InstrumentedAttribute, typed: str):
    lowered = typed.lower()
    return case(
        (func.lower(column) == lowered, 3),
        (func.lower(column).startswith(lowered, autoescape=True), 2),
        (key_column == name_key(typed), 1),
        else_=0,
    )


def _order_tier(forename: str | None, surname: str):
    """A coarse rank the database can work out, for choosing which candidates to read."""
    tier = _part_tier(Person.pers_surname, Person.cb_surname_key, surname) * 4
    if forename and name_key(forename):
        tier = tier + _part_tier(Person.pers_forename, Person.cb_forename_key, forename)
    return tier


def match_level(typed: str | None, recorded: str | None) -> tuple[int, float]:
    """How well a typed name part matches a recorded one, and how alike their spellings are."""
    typed_letters, recorded_letters = compact(typed), compact(recorded)
    if not typed_letters or not recorded_letters:
        return NONE, 0.0
    if typed_letters == recorded_letters:
        return SAME, 1.0
    if recorded_letters.startswith(typed_letters):
        return STARTS, 1.0
    alike = SequenceMatcher(None, typed_letters, recorded_letters).ratio()
    typed_key, recorded_key = name_key(typed), name_key(recorded)
    if typed_key and recorded_key == typed_key:
        return SOUNDS, alike
    start = prefix_key(typed)
    if start and recorded_key and recorded_key.startswith(start):
        return SOUNDS_START, alike
    return NONE, alike


def _name_score(row, forename: str | None, surname: str, swapped: bool) -> tuple[int, str]:
    s_level, s_alike = match_level(surname, row.pers_surname)
    if s_level == NONE:
        return 0, ""
    score = _SURNAME_POINTS[s_level] + (round(s_alike * 5) if s_level <= SOUNDS else 5)
    why = [f"surname {_LEVEL_WORDS[s_level]}"]
    if forename and name_key(forename):
        f_level, f_alike = match_level(forename, row.pers_forename)
        if f_level == NONE:
            return 0, ""
        score += _FORENAME_POINTS[f_level] + (round(f_alike * 5) if f_level <= SOUNDS else 5)
        why.append(f"forename {_LEVEL_WORDS[f_level]}")
    if swapped:
        score -= _SWAPPED_PENALTY
        why.append("names the other way round")
    return score, ", ".join(why)


# --------------------------------------------------------------------------- likely_duplicates


def likely_duplicates(
    session: Session,
    forename: str | None,
    surname: str | None,
    dob: date | None,
    *,
    visible: ColumnElement[bool] | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """People already recorded who may be the person about to be created, likeliest first.

    A likely duplicate's surname sounds the same; their forename sounds the
    same or at least starts with the same letter; and their date of birth is
    within :data:`NEAR_DOB` of ``dob`` or has its day and month swapped. With
    no ``dob`` the forename must sound the same. Children and adults are both
    offered (an adult may have been recorded as a child's parent); ``visible``
    limits them as in :func:`find_children`.
    """
    surname_key = name_key(surname)
    if surname_key is None:
        return []
    forename_key = name_key(forename)
    conditions = [Person.cb_surname_key == surname_key, Person.cb_status == ACTIVE]
    if visible is not None:
        conditions.append(visible)
    if dob is not None:
        near = Person.pers_dob.between(dob - NEAR_DOB, dob + NEAR_DOB)
        swapped = swap_day_month(dob)
        conditions.append(or_(near, Person.pers_dob == swapped) if swapped else near)
    elif forename_key is not None:
        conditions.append(Person.cb_forename_key == forename_key)
    else:
        return []
    hits = []
    for row in session.execute(select(*_columns()).where(*conditions)):
        found = _duplicate_score(row, forename, forename_key, surname, dob)
        if found is not None:
            hits.append(_hit(row, *found))
    hits.sort(key=lambda h: (-h.score, h.surname or "", h.forename or "", h.person_id))
    return _with_postcodes(session, hits[:limit])


def swap_day_month(day: date) -> date | None:
    """The date with day and month swapped (3 April for 4 March), if that is another real date."""
    if day.day == day.month or day.day > 12:
        return None
    return date(day.year, day.day, day.month)


def _duplicate_score(
    row, forename: str | None, forename_key: str | None, surname: str | None, dob: date | None
) -> tuple[int, str] | None:
    why = []
    same_surname = compact(surname) == compact(row.pers_surname)
    score = 40 if same_surname else 25
    why.append("surname same" if same_surname else "surname sounds the same")
    if forename:
        initial = compact(forename)[:1]
        recorded = compact(row.pers_forename)
        if recorded and recorded == compact(forename):
            score, part = score + 30, "forename same"
        elif forename_key and name_key(row.pers_forename) == forename_key:
            alike = SequenceMatcher(None, compact(forename), recorded).ratio()
            score, part = score + 20 + round(alike * 5), "forename sounds the same"
        elif initial and recorded[:1] == initial:
            score, part = score + 10, "same first initial"
        else:
            return None
        why.append(part)
    if dob is not None and row.pers_dob is not None:
        apart = abs((row.pers_dob - dob).days)
        if apart == 0:
            score, part = score + 30, "same date of birth"
        elif row.pers_dob == swap_day_month(dob):
            score, part = score + 20, "date of birth with day and month swapped"
        else:
            score += 20 - apart * 15 // NEAR_DOB.days
            part = f"date of birth {apart} day{'' if apart == 1 else 's'} apart"
        why.append(part)
    return score, ", ".join(why)


# --------------------------------------------------------------------------- addresses


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _with_postcodes(session: Session, hits: list[SearchHit]) -> list[SearchHit]:
    """The hits with the postcode of each one's current address (a home address first)."""
    if not hits:
        return hits
    today = date.today()
    best: dict[str, tuple[tuple, str | None]] = {}
    for chunk in _chunks([h.person_id for h in hits]):
        rows = session.execute(
            select(
                Address.addr_person_id,
                Address.addr_address_postcode,
                Address.addr_address_type,
                Address.addr_address_start_date,
            ).where(
                Address.addr_person_id.in_(chunk),
                Address.cb_status == ACTIVE,
                or_(
                    Address.addr_address_start_date.is_(None),
                    Address.addr_address_start_date <= today,
                ),
                or_(
                    Address.addr_address_end_date.is_(None),
                    Address.addr_address_end_date > today,
                ),
                Address.addr_address_postcode.is_not(None),
            )
        )
        for person, postcode, kind, start in rows:
            rank = (kind == "HOME", start or date.min)
            if person not in best or rank > best[person][0]:
                best[person] = (rank, postcode)
    return [replace(h, postcode=best[h.person_id][1]) if h.person_id in best else h for h in hits]


__all__ = [
    "NameQuery",
    "SearchHit",
    "find_children",
    "likely_duplicates",
    "match_level",
    "parse_name",
    "swap_day_month",
]
