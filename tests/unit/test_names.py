"""Name normalisation and sound keys, and how search ranks one typed name part."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.interchange.bulk import with_name_keys
from casebook.record.models import Person
from casebook.record.names import (
    KEY_COLUMNS,
    compact,
    keys_for,
    name_key,
    normalise_name,
    prefix_key,
)
from casebook.record.search import (
    SAME,
    SOUNDS,
    SOUNDS_START,
    STARTS,
    NameQuery,
    match_level,
    parse_name,
    swap_day_month,
)


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("Jon", "John"),
        ("Smyth", "Smith"),
        ("McDonald", "MacDonald"),
        ("M'Donald", "Macdonald"),
        ("Mac Donald", "MACDONALD"),
        ("Catherine", "Kathryn"),
        ("Stephen", "Steven"),
        ("Sean", "Shaun"),
        ("Mohammed", "Muhammad"),
        ("Thompson", "Thomson"),
        ("Phillip", "Filip"),
        ("Zara", "Sarah"),
        ("O'Brien", "OBrien"),
        ("Megan", "Meghan"),
        ("Claire", "Clare"),
        ("Jayden", "Jaiden"),
        ("Leigh", "Lee"),
        ("Hayley", "Hailey"),
        ("Aisha", "Ayesha"),
        ("Connor", "Conor"),
        ("Nicholas", "Nikolas"),
        ("Michael", "Mikael"),
        ("Chloe", "Khloe"),
        ("Christopher", "Kristopher"),
        ("Zoë", "Zoe"),
        ("Smith-Jones", "Smith Jones"),
        ("Knight", "Night"),
        ("Wright", "Right"),
        ("Matthew", "Mathew"),
        ("Geoffrey", "Jeffrey"),
        ("Xavier", "Zavier"),
        ("Caitlin", "Katelyn"),
        ("Jakub", "Jacob"),
    ],
)
def test_spellings_that_sound_alike_share_a_key(typed: str, recorded: str) -> None:
    assert name_key(typed) == name_key(recorded)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Smith", "Jones"),
        ("Matt", "Mohammed"),  # a vowel keeps the two Ms of Mohammed apart
        ("Khan", "Chan"),
        ("Smith", "Schmidt"),
        ("Ellis", "Willis"),
        ("Harris", "Morris"),
    ],
)
def test_names_that_sound_different_do_not(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


def test_keys_are_capital_letters_only() -> None:
    assert name_key("Jon Smyth") == name_key("John Smith") == "JNSMT"
    assert name_key("MacDonald") == "MKTNLT"
    assert name_key("Élodie O’Connor-Ní Bhriain").isalpha()


def test_no_letters_no_key() -> None:
    assert name_key(None) is None
    assert name_key("") is None
    assert name_key("  - ' ") is None
    assert name_key("李") is None


def test_normalising_folds_case_accents_apostrophes_hyphens_and_mac() -> None:
    assert normalise_name("  Zoë  O’Brien-McDonald ") == "ZOE OBRIEN MACDONALD"
    assert normalise_name("Straße Ørsted Łukasz") == "STRASSE ORSTED LUKASZ"
    assert normalise_name("Mc Donald") == "MAC DONALD"
    assert compact("Mac Donald") == compact("Macdonald") == compact("McDonald") == "MACDONALD"
    assert compact("Mace") == "MACE"  # only Mc is rewritten, not every Ma...


def test_keys_for_is_in_column_order() -> None:
    assert KEY_COLUMNS == ("cb_surname_key", "cb_forename_key")
    assert keys_for("Jon", "Smyth") == (name_key("Smyth"), name_key("Jon"))
    assert keys_for(None, None) == (None, None)


@pytest.mark.parametrize(
    "name",
    ["Smithson", "MacDonald", "Christopher", "Kathryn", "Johnson", "Stephenson", "Mitchell",
     "Thompson", "Wright", "Hodgson", "Ashworth", "Meghan", "Philippa", "Xavier"],
)  # fmt: skip
def test_the_start_of_a_name_gives_the_start_of_its_key(name: str) -> None:
    # From three letters: "Ch" alone cannot know whether it is Charlotte's X or Chris's K.
    for end in range(3, len(name) + 1):
        assert name_key(name).startswith(prefix_key(name[:end])), name[:end]


# --------------------------------------------------------------------------- the bulk loader


def test_bulk_rows_of_people_gain_their_keys() -> None:
    columns, rows = with_name_keys(
        Person.__table__,
        ("pers_person_id", "pers_forename", "pers_surname"),
        iter([("P1", "Jon", "Smyth"), ["P2", None, None]]),
    )
    assert list(columns) == ["pers_person_id", "pers_forename", "pers_surname", *KEY_COLUMNS]
    assert list(rows) == [("P1", "Jon", "Smyth", "SMT", "JN"), ("P2", None, None, None, None)]


def test_bulk_rows_that_bring_keys_or_other_tables_pass_through() -> None:
    rows = [("P1", "Jon", "Smyth", "X", "Y")]
    columns = ("pers_person_id", "pers_forename", "pers_surname", *KEY_COLUMNS)
    assert with_name_keys(Person.__table__, columns, rows) == (columns, rows)
    other = Person.metadata.tables["ssd_family"]
    assert with_name_keys(other, ("fami_table_id",), rows) == (("fami_table_id",), rows)
    ids_only = [("P1",)]
    assert with_name_keys(Person.__table__, ("pers_person_id",), ids_only)[1] is ids_only


# --------------------------------------------------------------------------- typed names


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Smith", NameQuery(None, "Smith")),
        ("Jon Smyth", NameQuery("Jon", "Smyth", either_order=True)),
        ("Smyth, Jon", NameQuery("Jon", "Smyth")),
        ("Smith-Jones,", NameQuery(None, "Smith-Jones")),
        ("John Paul Smith", NameQuery("John", "Smith")),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_name(typed: str | None, expected: NameQuery | None) -> None:
    assert parse_name(typed) == expected


def test_match_levels() -> None:
    assert match_level("smith", "Smith")[0] == SAME
    assert match_level("McDonald", "MacDonald")[0] == SAME
    assert match_level("Smi", "Smithson")[0] == STARTS
    assert match_level("Smyth", "Smith")[0] == SOUNDS
    assert match_level("Smyth", "Smithson")[0] == SOUNDS_START
    closer, _ = match_level("Jon", "John"), match_level("Jon", "Jane")
    assert closer[0] == SOUNDS and match_level("Jon", "Jane")[1] < closer[1]


def test_swap_day_month() -> None:
    assert swap_day_month(date(2015, 3, 4)) == date(2015, 4, 3)
    assert swap_day_month(date(2015, 3, 3)) is None
    assert swap_day_month(date(2015, 3, 24)) is None
