"""An SSD folder read in place: typed as the record types it, files read only when used."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import select

from casebook.performance.sources import SsdFolderSource
from casebook.record.errors import Invalid


def write(path, header: list[str], *rows: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def test_columns_keep_the_models_types_and_missing_files_are_empty(tmp_path) -> None:
    write(
        tmp_path / "ssd_cla_placement.csv",
        ["clap_cla_placement_id", "clap_cla_placement_start_date", "clap_cla_placement_distance"],
        ["PL1", "2024-05-01", "21.5"],
        ["007", "", ""],
    )
    source = SsdFolderSource(tmp_path)
    try:
        t = source.table("ssd_cla_placement")
        rows = source.rows(
            select(t.c.clap_cla_placement_id, t.c.clap_cla_placement_start_date)
            .add_columns(t.c.clap_cla_placement_distance)
            .where(t.c.clap_cla_placement_start_date >= date(2024, 1, 1))
        )
        assert rows == [
            {
                "clap_cla_placement_id": "PL1",
                "clap_cla_placement_start_date": date(2024, 5, 1),
                "clap_cla_placement_distance": 21.5,
            }
        ]
        # An id of digits stays text (leading zeros kept); blank cells are NULL.
        everything = source.rows(select(t.c.clap_cla_placement_id, t.c.clap_person_id))
        assert {"clap_cla_placement_id": "007", "clap_person_id": None} in everything
        person = source.table("ssd_person")  # no file: an empty table with the SSD's columns
        assert source.rows(select(person.c.pers_person_id)) == []
    finally:
        source.close()


def test_a_bad_cell_names_the_file(tmp_path) -> None:
    write(tmp_path / "ssd_contacts.csv", ["cont_contact_id", "cont_contact_date"], ["C1", "soon"])
    source = SsdFolderSource(tmp_path)
    with pytest.raises(Invalid) as refused:
        source.table("ssd_contacts")
    assert refused.value.problems[0].file == "ssd_contacts.csv"
    source.close()


def test_not_a_folder_or_no_ssd_files(tmp_path) -> None:
    with pytest.raises(Invalid):
        SsdFolderSource(tmp_path / "nowhere")
    (tmp_path / "notes.csv").write_text("a\n1\n")
    with pytest.raises(Invalid):
        SsdFolderSource(tmp_path)


def test_columns_found_by_name_in_any_order_with_extras(tmp_path) -> None:
    write(
        tmp_path / "ssd_cin_episodes.csv",
        ["local_note", "cine_referral_date", "cine_referral_id"],
        ["anything", "2024-06-03", "R1"],
    )
    source = SsdFolderSource(tmp_path)
    try:
        t = source.table("ssd_cin_episodes")
        assert source.rows(select(t.c.cine_referral_id, t.c.cine_referral_date)) == [
            {"cine_referral_id": "R1", "cine_referral_date": date(2024, 6, 3)}
        ]
    finally:
        source.close()
