"""Scrutiny rules that need no database: the publication deadline in clear
working days, small-number suppression of frozen figures, the pack parser."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import Invalid
from casebook.scrutiny.agenda import suppress_small_numbers
from casebook.scrutiny.documents import DOCX, PDF, safe_filename, sniff
from casebook.scrutiny.ical import _fold
from casebook.scrutiny.meetings import clear_working_days, publication_deadline
from casebook.scrutiny.pack_import import match_reports, parse

SAMPLE = Path("/work/shared/samples/scrutiny-panel-2020-01-22.txt")
PLAIN = WorkingCalendar()


def test_five_clear_working_days_before_a_wednesday_is_the_tuesday_of_the_week_before():
    meeting = date(2020, 1, 22)  # a Wednesday
    deadline = publication_deadline(meeting, 5, PLAIN)
    assert deadline == date(2020, 1, 14)
    # clear days leave out the day of publication and the day of the meeting
    assert clear_working_days(deadline, meeting, PLAIN) == 5
    assert clear_working_days(date(2020, 1, 15), meeting, PLAIN) == 4


def test_a_bank_holiday_is_not_a_clear_working_day():
    meeting = date(2026, 5, 28)  # Thursday after the spring bank holiday (Mon 25 May)
    assert publication_deadline(meeting, 5, PLAIN) == date(2026, 5, 20)
    with_holiday = WorkingCalendar([date(2026, 5, 25)])
    assert publication_deadline(meeting, 5, with_holiday) == date(2026, 5, 19)
    assert clear_working_days(date(2026, 5, 20), meeting, with_holiday) == 4


def test_the_number_of_clear_days_is_a_setting():
    assert publication_deadline(date(2020, 1, 22), 3, PLAIN) == date(2020, 1, 16)


def test_frozen_figures_go_through_the_one_suppression_rule():
    rows = suppress_small_numbers(
        [
            {"label": "A", "count": 3, "percent": 12.5},
            {"label": "B", "numerator": 40, "denominator": 80, "percent": 50.0},
            {"label": "C", "count": 0},
            {"label": "D", "count": 412, "rate": 71.24, "unit": "rate"},
            {"label": "E", "numerator": 38, "denominator": 40, "percent": 95.0},
        ]
    )
    assert rows[0]["value"] == "c" and rows[0]["numerator"] == "c" and rows[0]["suppressed"]
    assert rows[0]["label"] == "A"
    assert rows[1]["value"] == 50 and not rows[1]["suppressed"]
    assert rows[2]["value"] == 0  # a true zero is shown
    assert rows[3]["value"] == 71 and rows[3]["numerator"] == 412
    assert rows[4]["value"] == "c"  # 2 children not counted: secondary suppression


def test_documents_are_recognised_by_their_bytes():
    assert sniff(b"%PDF-1.7\n...") == PDF
    assert sniff(b"MZ\x90\x00 not a document") is None
    assert sniff(b"PK\x03\x04 broken zip") is None
    assert safe_filename("../../etc/pass\x00wd.pdf") == "passwd.pdf"


def test_docx_is_a_zip_with_word_parts(tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert sniff(buffer.getvalue()) == DOCX
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(other.getvalue()) is None


def test_long_calendar_lines_are_folded_at_75_octets():
    folded = _fold("DESCRIPTION:" + "é" * 80)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))


SYNTHETIC = """
## Corporate Parenting Panel

4 March 2026

**Time** 5.30 pm **Public Meeting?** YES **Type of meeting** Scrutiny

**Venue** Room 2, Town Hall

### Membership

**Chair** Cllr Ada Fenwick (Lab)
**Vice-chair** Cllr Bram Oakes (Con)

#### Labour

Cllr Cora Lindqvist
Cllr Dev Aurelio

Quorum for this meeting is three Voting Members.

# Agenda

## Part 1 – items open to the press and public

### MEETING BUSINESS ITEMS

- 1            **Apologies**
- 2            **Minutes of the previous meeting (28 January 2026)** (Pages 3 - 6)
[To approve the minutes of the previous meeting as a correct record]

### DISCUSSION ITEMS

- 3            **Sufficiency Strategy (verbal update)**
[Ezra Quint, Head of Placements, to present report]

## Part 2 – exempt items, closed to the press and public

- 4            **Residential Contract Award** (Pages 7 - 12)
[Ezra Quint, Head of Placements, to present report]
"""


def test_a_pack_with_part_2_marks_its_items_exempt():
    pack = parse(SYNTHETIC, "synthetic.txt")
    assert pack.body == "Corporate Parenting Panel"
    assert pack.meeting_date == date(2026, 3, 4)
    assert pack.start_time == "17:30"
    assert pack.quorum == 3
    assert [(i.number, i.title, i.exempt) for i in pack.items] == [
        (1, "Apologies", False),
        (2, "Minutes of the previous meeting (28 January 2026)", False),
        (3, "Sufficiency Strategy", False),
        (4, "Residential Contract Award", True),
    ]
    assert pack.items[2].verbal_update and pack.items[3].page_from == 7
    assert pack.previous_date == date(2026, 1, 28)
    assert ("Ada Fenwick", "Labour", "chair") in pack.members


def test_errors_name_the_line():
    broken = SYNTHETIC.replace("4 March 2026", "the fourth of March").replace(
        "Quorum for this meeting is three", "Quorum for this meeting is many"
    )
    with pytest.raises(Invalid) as caught:
        parse(broken, "broken.txt")
    where = {(p.field, p.row) for p in caught.value.problems}
    assert ("meeting_date", 4) in where
    assert ("quorum", 20) in where
    assert all(p.file == "broken.txt" for p in caught.value.problems)


def test_a_pack_without_an_agenda_is_refused_naming_the_line():
    with pytest.raises(Invalid) as caught:
        parse("## Some Panel\n\n1 April 2026\n\nNo agenda here\n", "empty.txt")
    assert caught.value.problems[0].field == "agenda"
    assert caught.value.problems[0].row is not None


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample pack is not on this machine")
def test_the_sample_pack_parses():
    pack = parse(SAMPLE.read_text(encoding="utf-8"), SAMPLE.name)
    assert pack.meeting_date == date(2020, 1, 22)
    assert pack.quorum == 4 and pack.start_time == "18:00"
    assert [i.number for i in pack.items] == list(range(1, 9))
    assert pack.items[4].title.startswith("Children's Social Care Self- Evaluation")
    assert pack.items[4].report_to_follow and pack.items[4].page_from == 9
    assert not any(i.exempt for i in pack.items)  # the sample has no Part 2
    assert pack.previous_date == date(2019, 11, 27)
    assert [m.number for m in pack.minutes] == list(range(1, 10))
    reports, unmatched = match_reports(pack)
    assert sorted(reports) == [5, 6, 7] and not unmatched
    assert reports[5].implications[0]["sign_off"] == "MK/17012020/C"
