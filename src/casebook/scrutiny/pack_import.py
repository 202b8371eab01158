"""Import a meeting's agenda pack, as text (``casebook scrutiny import-pack FILE``).

The text is what a council's committee system prints (see
``shared/samples/scrutiny-panel-2020-01-22.txt``): a front sheet (body, date,
time, venue, membership, quorum), the agenda in Part 1 / Part 2 with numbered
items in groups, then the pack's papers. The minutes of the *previous* meeting
are item 3 of a pack, so the attendance and minutes found in it belong to that
meeting (its date is in the item's title); they are imported there as a draft
for this meeting to approve. Each report's cover sheet (a table of
``<b>Label</b><TAB>value`` rows up to ``---``) becomes the cover sheet of the
agenda item it belongs to (matched by title, or by the presenter's name); the
recommendations, implications with their sign-off codes and background papers
follow it. Appendices are listed from an "Appendices" row of the cover sheet, an
"Appendices" section of the report ("15.1 Appendix 1 - ..." lines) and any
other body's cover sheet attached to the report (the attached report's title,
its body and date). A draft work programme table and its potential future items, if
present, go into the body's work programme.

All or nothing: every problem is reported at once, naming the line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, Problem
from casebook.scrutiny.common import change, now, record_event
from casebook.scrutiny.models import (
    NINE_TESTS,
    AgendaItem,
    Attendance,
    Body,
    Meeting,
    Member,
    MinuteItem,
    Minutes,
    Report,
    Resolution,
    WorkProgrammeItem,
)
from casebook.scrutiny.reports import IMPLICATION_KINDS

NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
PARTIES = {
    "lab": "Labour",
    "con": "Conservative",
    "lib dem": "Liberal Democrat",
    "ld": "Liberal Democrat",
    "grn": "Green",
    "green": "Green",
    "ind": "Independent",
    "reform": "Reform UK",
}
DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d %B, %Y")

BOLD = re.compile(r"\*\*|</?b>|</?u>|</?sup>")
AGENDA_ITEM = re.compile(r"^-\s+(\d{1,3})\s+\*\*(.+?)\*\*(.*)$")
PAGES = re.compile(r"\(Pages?\s+(\d+)(?:\s*-\s*(\d+))?\)", re.I)
TO_FOLLOW = re.compile(r"\(\s*reports?\s+to\s+follow\s*\)", re.I)
VERBAL = re.compile(r"\(\s*verbal(?:\s+(?:update|report))?\s*\)", re.I)
SIGN_OFF = re.compile(r"\[([A-Z]{1,4}/\d{8}/[A-Z])\]")
BLANK_PAGE = "This page is intentionally left blank"
#: A report's "Appendices" section heading, and one line of its list.
APPENDICES_HEADING = re.compile(r"^[\d.]*\s*(?:schedule of\s+)?appendices\b", re.I)
APPENDIX_LINE = re.compile(r"^(?:\d+(?:\.\d+)*\s+)?((?:appendix|annex)\b.+)$", re.I)


@dataclass
class ParsedItem:
    line: int
    number: int
    title: str
    group: str | None
    exempt: bool
    page_from: int | None = None
    page_to: int | None = None
    presenter: str | None = None
    purpose: str | None = None
    report_to_follow: bool = False
    verbal_update: bool = False


@dataclass
class ParsedMinuteItem:
    line: int
    number: int
    title: str
    narrative: list[str] = field(default_factory=list)
    resolutions: list[str] = field(default_factory=list)
    exempt: bool = False


@dataclass
class ParsedReport:
    line: int
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    route: list[dict[str, str | None]] = field(default_factory=list)
    decision: list[str] = field(default_factory=list)
    noting: list[str] = field(default_factory=list)
    implications: list[dict[str, str | None]] = field(default_factory=list)
    background: str | None = None
    appendices: list[str] = field(default_factory=list)


@dataclass
class ParsedPack:
    body: str = ""
    meeting_date: date | None = None
    start_time: str | None = None
    public: bool = True
    venue: str | None = None
    members: list[tuple[str, str | None, str]] = field(default_factory=list)  # name, party, role
    quorum: int | None = None
    items: list[ParsedItem] = field(default_factory=list)
    previous_date: date | None = None
    roll: list[tuple[str, str, str, str | None]] = field(
        default_factory=list
    )  # kind, name, status, title
    minutes: list[ParsedMinuteItem] = field(default_factory=list)
    reports: list[ParsedReport] = field(default_factory=list)
    work_programme: list[tuple[date, str, str | None, str | None]] = field(default_factory=list)
    future_items: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    remit: str | None = None
    warnings: list[str] = field(default_factory=list)


def _clean(text: str) -> str:
    text = BOLD.sub("", text)
    text = re.sub(r"\[([^\]]+)\]\(mailto:[^)]*\)", r"\1", text)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def parse_day(text: str) -> date | None:
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", _clean(text)).strip(" ,.")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _time(text: str) -> str | None:
    match = re.search(r"(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)?", text, re.I)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if (match.group(3) or "").lower() == "pm" and hours < 12:
        hours += 12
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        return None
    return f"{hours:02d}:{minutes:02d}"


def _name(text: str) -> str:
    return re.sub(r"^(Cllr|Councillor)\s+", "", _clean(text)).strip()


def _heading(line: str) -> tuple[int, str] | None:
    match = re.match(r"^(#{1,6})\s+(.*)$", line)
    return (len(match.group(1)), _clean(match.group(2))) if match else None


class _Parser:
    def __init__(self, text: str, source: str):
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.source = source
        self.problems: list[Problem] = []
        self.pack = ParsedPack()

    def problem(self, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(field_name, message, file=self.source, row=line))

    # ------------------------------------------------------------------ front sheet

    def front_sheet(self) -> int:
        """Body, date, time, venue; returns the index after the date line."""
        for i, line in enumerate(self.lines):
            head = _heading(line)
            if head and head[1]:
                self.pack.body = head[1]
                for j in range(i + 1, min(i + 6, len(self.lines))):
                    if self.lines[j].strip():
                        day = parse_day(self.lines[j])
                        if day is None:
                            self.problem(
                                j + 1,
                                "meeting_date",
                                f"expected the meeting's date under '{head[1]}', found "
                                f"'{_clean(self.lines[j])[:60]}'",
                            )
                        self.pack.meeting_date = day
                        return j + 1
                break
        self.problem(1, "body", "no heading naming the body (a line starting '## ')")
        return len(self.lines)

    def details(self, start: int, end: int) -> None:
        for i in range(start, end):
            line = self.lines[i]
            if "**Time**" in line:
                time_text = line.split("**Time**", 1)[1].split("**", 1)[0]
                self.pack.start_time = _time(time_text)
                if self.pack.start_time is None:
                    self.problem(i + 1, "start_time", f"cannot read the time '{_clean(time_text)}'")
                public = re.search(r"\*\*Public Meeting\?\*\*\s*(\w+)", line)
                if public:
                    self.pack.public = public.group(1).strip().upper() in ("YES", "Y")
            elif line.startswith("**Venue**"):
                self.pack.venue = _clean(line[len("**Venue**") :])

    def membership(self, start: int, end: int) -> None:
        party = None
        for i in range(start, end):
            raw = self.lines[i]
            line = _clean(raw)
            head = _heading(raw)
            if head and head[0] >= 4:
                party = head[1]
                continue
            role_match = re.match(
                r"^\*\*(Chair|Vice-chair|Vice chair)\*\*\s*(.+)$", raw.strip(), re.I
            )
            if role_match:
                role = "chair" if role_match.group(1).lower() == "chair" else "vice_chair"
                text = _clean(role_match.group(2))
                party_match = re.search(r"\(([^)]+)\)\s*$", text)
                their_party = None
                if party_match:
                    their_party = PARTIES.get(party_match.group(1).lower(), party_match.group(1))
                    text = text[: party_match.start()].strip()
                self.pack.members.append((_name(text), their_party, role))
                continue
            if re.match(r"^(Cllr|Councillor)\s", line):
                self.pack.members.append((_name(line), party, "member"))
                continue
            quorum = re.search(r"Quorum for this meeting is (\w+)", line, re.I)
            if quorum:
                word = quorum.group(1).lower()
                value = int(word) if word.isdigit() else NUMBER_WORDS.get(word)
                if value is None:
                    self.problem(i + 1, "quorum", f"cannot read the quorum '{quorum.group(1)}'")
                self.pack.quorum = value

    # ------------------------------------------------------------------ agenda

    def agenda(self, start: int, end: int) -> None:
        exempt = False
        group = None
        current: ParsedItem | None = None
        seen: dict[int, int] = {}
        for i in range(start, end):
            raw = self.lines[i]
            head = _heading(raw)
            if head:
                text = head[1]
                if re.match(r"^Part\s*1\b", text, re.I):
                    exempt, current = False, None
                elif re.match(r"^Part\s*2\b", text, re.I):
                    exempt, current = True, None
                elif head[0] >= 3:
                    group, current = text.capitalize(), None
                continue
            match = AGENDA_ITEM.match(raw.strip())
            if match:
                number = int(match.group(1))
                if number in seen:
                    self.problem(
                        i + 1,
                        "number",
                        f"item {number} appears twice (first on line {seen[number]})",
                    )
                seen[number] = i + 1
                current = ParsedItem(i + 1, number, "", group, exempt)
                self._item_text(current, match.group(2), first=True)
                self._item_text(current, match.group(3))
                self.pack.items.append(current)
                continue
            if current is not None and raw.strip():
                self._item_text(current, raw)
        if not self.pack.items:
            self.problem(
                start + 1 if start < len(self.lines) else 1,
                "items",
                "no agenda items found ('- 1  **Title**')",
            )

    def _item_text(self, item: ParsedItem, text: str, first: bool = False) -> None:
        text = text.strip()
        if not text:
            return
        if TO_FOLLOW.search(text):
            item.report_to_follow = True
            text = TO_FOLLOW.sub("", text)
        if VERBAL.search(text):
            item.verbal_update = True
            text = VERBAL.sub("", text)
        pages = PAGES.search(text)
        if pages:
            item.page_from = int(pages.group(1))
            item.page_to = int(pages.group(2) or pages.group(1))
            text = PAGES.sub("", text)
        for bracket in re.findall(r"\[([^\]]+)\]", text):
            bracket = _clean(bracket)
            presenting = re.match(
                r"^(.*?),?\s+to present(?: the)?(?: report| paper| item)?\.?$", bracket, re.I
            )
            if presenting:
                item.presenter = presenting.group(1).strip().rstrip(",")
            else:
                item.purpose = bracket
        text = re.sub(r"\[[^\]]*\]", "", text)
        if first:
            item.title = _clean(text)
            previous = re.search(r"minutes of the previous meeting\s*\(([^)]+)\)", item.title, re.I)
            if previous and self.pack.previous_date is None:
                self.pack.previous_date = parse_day(previous.group(1))
        elif _clean(text) and not item.title:
            item.title = _clean(text)

    # ------------------------------------------------------------------ attendance

    def attendance(self, start: int, end: int) -> None:
        section = None
        blocks: dict[str, list[list[str]]] = {}
        for i in range(start, end):
            raw = self.lines[i]
            head = _heading(raw)
            if head:
                text = head[1].lower()
                section = (
                    "members"
                    if text.startswith("members")
                    else "in_attendance"
                    if "in attendance" in text
                    else "officer"
                    if "employee" in text or "officer" in text
                    else None
                )
                blocks.setdefault(section or "", []).append([])
                continue
            if section is None:
                continue
            if not raw.strip():
                if blocks[section][-1]:
                    blocks[section].append([])
                continue
            blocks[section][-1].append(_clean(raw))
        for line in (x for b in blocks.get("members", []) for x in b):
            role = re.search(r"\((Chair|Vice-Chair|Vice Chair)\)", line, re.I)
            name = _name(re.sub(r"\s*\([^)]*\)\s*$", "", line))
            kind = "member"
            self.pack.roll.append((kind, name, "present_room", role.group(1) if role else None))
        for section in ("in_attendance", "officer"):
            chunks = [b for b in blocks.get(section, []) if b]
            for k in range(0, len(chunks), 2):
                names = chunks[k]
                titles = chunks[k + 1] if k + 1 < len(chunks) else []
                if titles and len(titles) != len(names):
                    self.problem(start + 1, section, "the names and job titles do not pair up")
                    titles = []
                for n, name in enumerate(names):
                    self.pack.roll.append(
                        (section, _name(name), "present_room", titles[n] if titles else None)
                    )

    # ------------------------------------------------------------------ minutes

    def _minute_header(self, raw: str) -> tuple[int, str] | None:
        text = raw.strip()
        text = re.sub(r"^(-\s+|#{1,6}\s+)", "", text).strip()
        match = re.match(r"^\*\*(\d{1,3})\s+(.+?)\*\*$", text) or re.match(
            r"^(\d{1,3})\s+\*\*(.+?)\*\*$", text
        )
        if match:
            return int(match.group(1)), _clean(match.group(2))
        return None

    def minutes(self, start: int, end: int) -> None:
        current: ParsedMinuteItem | None = None
        resolving = False
        exempt = False
        for i in range(start, end):
            raw = self.lines[i]
            line = _clean(raw)
            head = _heading(raw)
            if head and re.match(r"^Part\s*2\b", head[1], re.I):
                exempt = True
                continue
            header = self._minute_header(raw)
            if header:
                current = ParsedMinuteItem(i + 1, header[0], header[1], exempt=exempt)
                self.pack.minutes.append(current)
                resolving = False
                continue
            if current is None or not line or line.startswith("*Item No"):
                continue
            if re.match(r"^The meeting (ended|closed)", line, re.I):
                break
            if re.match(r"^Resolved\b:?", line, re.I):
                resolving = True
                rest = re.sub(r"^Resolved\b:?\s*", "", line, flags=re.I)
                if rest:
                    current.resolutions.append(rest)
                continue
            numbered = re.match(r"^\d{1,2}[.)]\s+(.+)$", line)
            if resolving:
                current.resolutions.append(numbered.group(1) if numbered else line)
            elif line.startswith("That ") and not current.resolutions:
                current.resolutions.append(line)
            else:
                current.narrative.append(line)
        apologies = next(
            (m for m in self.pack.minutes if m.title.lower().startswith("apologies")), None
        )
        if apologies:
            for line in apologies.narrative:
                if re.match(r"^(Cllr|Councillor)\s", line):
                    self.pack.roll.append(("member", _name(line), "apologies", None))

    # ------------------------------------------------------------------ reports

    def cover_sheets(self, start: int) -> None:
        i = start
        while i < len(self.lines):
            if self.lines[i].strip().startswith("<b>Report title</b>"):
                body, day = self._sheet_header(i)
                end = self._next_sheet(i + 1)
                if body == self.pack.body and (day is None or day == self.pack.meeting_date):
                    self.pack.reports.append(self._report(i, end))
                elif self.pack.reports:
                    # another body's cover sheet inside a report: an appendix, whose
                    # sections (implications, background papers) belong to the report
                    rule = next((k for k in range(i, end) if self.lines[k].strip() == "---"), end)
                    attached = self._attached_title(i, body, day)
                    if attached:
                        self.pack.reports[-1].appendices.append(attached)
                    self._report_body(self.pack.reports[-1], rule + 1, end, appendix=True)
                i = end
            else:
                i += 1

    def _attached_title(self, i: int, body: str | None, day: date | None) -> str | None:
        """How an attached report (another body's cover sheet) is listed as an
        appendix: its title, then the body and date it is for."""
        title = _clean(" ".join(self.lines[i].split("\t")[1:]))
        if not title:
            return None
        where = ", ".join(p for p in (body, f"{day.day} {day:%B %Y}" if day else None) if p)
        return f"{title} ({where})" if where else title

    def _sheet_header(self, i: int) -> tuple[str | None, date | None]:
        body = day = None
        for j in range(i - 1, max(i - 8, -1), -1):
            raw = self.lines[j]
            head = _heading(raw)
            if head:
                body = head[1]
                break
            if raw.strip() and day is None:
                day = parse_day(raw)
        return body, day

    def _next_sheet(self, i: int) -> int:
        while i < len(self.lines):
            if self.lines[i].strip().startswith("<b>Report title</b>"):
                # back to the heading above it
                j = i - 1
                while j > 0 and not _heading(self.lines[j]) and i - j < 8:
                    j -= 1
                return j if _heading(self.lines[j]) else i
            if self.lines[i].strip().startswith("**") and "Work Programme" in self.lines[i]:
                return i
            i += 1
        return len(self.lines)

    def _report(self, start: int, end: int) -> ParsedReport:
        report = ParsedReport(start + 1, "")
        label = None
        i = start
        while i < end and self.lines[i].strip() != "---":
            raw = self.lines[i]
            cells = [_clean(c) for c in raw.split("\t")]
            match = re.match(r"^<b>(.+?)</b>$", raw.split("\t")[0].strip())
            if match:
                label = _clean(match.group(1)).lower()
                value = " ".join(c for c in cells[1:] if c)
                raw_cells = [BOLD.sub("", c).strip() for c in raw.split("\t")[1:]]
                self._cover_field(report, label, raw_cells, value, i + 1)
            elif label and "considered by" in label and any(cells):
                self._route_row(report, [c for c in cells if c], i + 1)
            elif label and label.startswith("accountable employee") and raw.startswith("\t"):
                extra = " ".join(c for c in cells if c)
                contact = report.fields.get("employee_contact")
                report.fields["employee_contact"] = (
                    f"{contact} {extra}".strip() if contact else extra
                )
            i += 1
        self._report_body(report, i + 1, end)
        return report

    def _cover_field(
        self, report: ParsedReport, label: str, cells: list[str], value: str, line: int
    ) -> None:
        def yes_no(text: str) -> bool | None:
            word = text.strip().lower()
            if word in ("yes", "no"):
                return word == "yes"
            self.problem(line, label, f"expected Yes or No, found '{text[:40]}'")
            return None

        if label == "report title":
            report.title = value
        elif label == "decision designation":
            if value.lower() not in ("red", "amber", "green"):
                self.problem(
                    line, "designation", f"expected RED, AMBER or GREEN, found '{value[:40]}'"
                )
            else:
                report.fields["designation"] = value.lower()
        elif label.startswith("cabinet member"):
            report.fields["lead_cabinet_members"] = value
        elif label == "key decision":
            report.fields["key_decision"] = yes_no(value)
        elif label == "in forward plan":
            report.fields["forward_plan"] = yes_no(value)
        elif label == "wards affected":
            report.fields["wards"] = value
        elif label == "accountable director":
            report.fields["accountable_director"] = value
        elif label == "originating service":
            report.fields["originating_service"] = value
        elif label.startswith("accountable employee"):
            cells = [c for c in cells if c]
            if len(cells) == 1:  # "Name     Title Tel   0100 Email   x@y" in one cell
                first, _, contact = cells[0].partition(" Tel ")
                contact = _clean(f"Tel {contact}") if contact else ""
                name_title = [p.strip() for p in re.split(r"\s{2,}", first) if p.strip()]
            else:
                name_title, contact = cells[:2], _clean(" ".join(cells[2:]))
            name_title = [_clean(p) for p in name_title]
            report.fields["accountable_employee"] = name_title[0] if name_title else None
            report.fields["employee_job_title"] = name_title[1] if len(name_title) > 1 else None
            if contact:
                report.fields["employee_contact"] = contact
        elif "considered by" in label:
            cells = [c for c in cells if c]
            if cells:
                self._route_row(report, cells, line)
        elif label.startswith("appendi"):
            titles = [_clean(t) for c in cells for t in re.split(r";|\s{2,}", c)]
            report.appendices.extend(
                t for t in titles if t and t.lower() not in ("none", "n/a", "no")
            )

    def _route_row(self, report: ParsedReport, cells: list[str], line: int) -> None:
        if cells and cells[0].lower().startswith("list any meetings"):
            cells = cells[1:]
            report.route.append({"body": "", "date": None})
            if not cells:
                return
        day = parse_day(cells[-1]) if cells else None
        if len(cells) == 1 and day and report.route and report.route[-1]["date"] is None:
            report.route[-1]["date"] = day.isoformat()
            return
        if len(cells) >= 2 and day is None:
            self.problem(
                line, "route", f"cannot read the date '{cells[-1][:40]}' (e.g. 28 November 2019)"
            )
            return
        body = " ".join(cells[:-1]) if day else " ".join(cells)
        report.route.append({"body": body, "date": day.isoformat() if day else None})

    def _report_body(
        self, report: ParsedReport, start: int, end: int, appendix: bool = False
    ) -> None:
        mode = None
        listed = False
        for i in range(start, end):
            raw = self.lines[i]
            line = _clean(raw)
            if line.startswith(BLANK_PAGE):
                mode = None
                continue
            head = _heading(raw) or (
                (4, line) if raw.strip().startswith("**") and raw.strip().endswith("**") else None
            )
            if head:
                text = head[1].lower()
                implication = re.match(r"^[\d.]*\s*([a-z ]+?)\s+implications", text)
                if "recommendation" in text:
                    mode = None if appendix else "noting" if "noting" in text else "decision"
                    listed = False
                elif implication:
                    kind = implication.group(1).strip().replace(" ", "_")
                    kind = {"environmental": "environmental", "health_and_wellbeing": "health"}.get(
                        kind, kind
                    )
                    if kind not in IMPLICATION_KINDS:
                        kind = "other"
                    report.implications.append({"kind": kind, "text": "", "sign_off": None})
                    mode = "implication"
                elif "background papers" in text:
                    mode = "background"
                    report.background = ""
                elif APPENDICES_HEADING.match(text):
                    mode = "appendices"
                else:
                    mode = None
                continue
            if not line:
                continue
            if mode in ("decision", "noting"):
                if re.match(
                    r"^\*?\s*(the .{0,60}is (recommended|asked) to|.*is asked to note)", line, re.I
                ):
                    if "note" in line.lower():
                        mode = "noting"
                    continue
                item = re.match(r"^(?:\d{1,2}[.)]|[-•*])\s+(.+)$", line)
                target = report.noting if mode == "noting" else report.decision
                if item:
                    target.append(item.group(1))
                    listed = True
                elif listed:  # the list has ended
                    mode = None
                else:
                    target.append(line)
                    listed = True
            elif mode == "implication":
                current = report.implications[-1]
                sign = SIGN_OFF.search(line)
                if sign:
                    current["sign_off"] = sign.group(1)
                    line = SIGN_OFF.sub("", line).strip()
                line = re.sub(r"^-?\s*\d+(\.\d+)*\s+", "", line)
                if line:
                    current["text"] = f"{current['text']} {line}".strip()
            elif mode == "background":
                report.background = f"{report.background} {line}".strip()
            elif mode == "appendices":
                listed_appendix = APPENDIX_LINE.match(line)
                if listed_appendix:
                    report.appendices.append(listed_appendix.group(1))
                else:  # the list has ended
                    mode = None
            if mode is None and raw.strip().startswith("Recommendations for noting"):
                mode = "noting"
        # "**Recommendations for noting:**" lines are bold headings (handled above).

    # ------------------------------------------------------------------ work programme

    def work_programme(self) -> None:
        start = next(
            (
                i
                for i, ln in enumerate(self.lines)
                if "Work Programme" in ln and ln.strip().startswith("**")
            ),
            None,
        )
        if start is None:
            return
        future = False
        for i in range(start + 1, len(self.lines)):
            raw = self.lines[i]
            line = _clean(raw)
            if "responsibility for scrutiny functions" in line:
                remit = next((_clean(x) for x in self.lines[i + 1 : i + 4] if x.strip()), None)
                self.pack.remit = remit
                continue
            if "Potential Future Items" in line:
                future = True
                continue
            if future:
                match = re.match(r"^\d{1,2}[.)]\s+(.+)$", line)
                if match:
                    text = match.group(1)
                    title, _, lead = text.partition(" – ")
                    notes = "Pre-decision scrutiny" if "pre-decision" in text.lower() else None
                    title = re.sub(r"\s*\(pre-decision scrutiny\)", "", title, flags=re.I).strip(
                        " –-"
                    )
                    lead = lead.strip(" –-") or None
                    self.pack.future_items.append((title, lead, notes))
                continue
            cells = raw.split("\t")
            if len(cells) >= 2:
                day = parse_day(cells[0])
                if day is None:
                    continue
                titles = [t for t in (s.strip() for s in re.split(r"\s{2,}", cells[1])) if t]
                authors = (
                    [a.strip().rstrip(",") for a in re.split(r"\s{2,}", cells[2])]
                    if len(cells) > 2
                    else []
                )
                authors = [a for a in authors if a]
                notes = _clean(cells[3]) if len(cells) > 3 else ""
                for n, title in enumerate(titles):
                    author = (
                        authors[n]
                        if len(authors) == len(titles)
                        else (authors[0] if len(authors) == 1 else None)
                    )
                    self.pack.work_programme.append((day, _clean(title), author, notes or None))

    # ------------------------------------------------------------------ the whole pack

    def parse(self) -> ParsedPack:
        after_date = self.front_sheet()
        agenda_at = next(
            (i for i, ln in enumerate(self.lines) if re.match(r"^#\s+Agenda\s*$", ln.strip())), None
        )
        if agenda_at is None:
            self.problem(after_date + 1, "agenda", "no '# Agenda' heading")
            return self.pack
        membership_at = next(
            (
                i
                for i in range(after_date, agenda_at)
                if re.match(r"^#+\s+Membership", self.lines[i])
            ),
            None,
        )
        self.details(after_date, agenda_at)
        if membership_at is not None:
            info = next(
                (
                    i
                    for i in range(membership_at + 1, agenda_at)
                    if _heading(self.lines[i]) and _heading(self.lines[i])[0] <= 3
                ),
                agenda_at,
            )
            self.membership(membership_at + 1, info)
        attendance_at = next(
            (
                i
                for i in range(agenda_at, len(self.lines))
                if re.match(r"^#+\s+Attendance\s*$", self.lines[i].strip())
            ),
            None,
        )
        first_sheet = next(
            (
                i
                for i in range(agenda_at, len(self.lines))
                if self.lines[i].strip().startswith("<b>Report title</b>")
            ),
            len(self.lines),
        )
        agenda_end = attendance_at if attendance_at is not None else first_sheet
        self.agenda(agenda_at + 1, agenda_end)
        if attendance_at is not None:
            rule = next(
                (i for i in range(attendance_at, first_sheet) if self.lines[i].strip() == "---"),
                first_sheet,
            )
            self.attendance(attendance_at + 1, rule)
            minutes_end = next(
                (
                    i
                    for i in range(rule, first_sheet)
                    if self.lines[i].strip().startswith(BLANK_PAGE)
                ),
                first_sheet,
            )
            self.minutes(rule + 1, minutes_end)
        self.cover_sheets(agenda_end)
        self.work_programme()
        return self.pack


def parse(text: str, source: str = "pack") -> ParsedPack:
    """The pack's contents, or Invalid naming each line that could not be read."""
    parser = _Parser(text, source)
    pack = parser.parse()
    if parser.problems:
        raise Invalid(parser.problems)
    return pack


# --------------------------------------------------------------------------- matching


def _words(text: str) -> set[str]:
    stop = {
        "the",
        "and",
        "of",
        "to",
        "a",
        "for",
        "in",
        "on",
        "report",
        "annual",
        "2019",
        "20",
        "2020",
    }
    return {
        w
        for w in re.findall(r"[a-z]+", text.lower().replace("-", ""))
        if w not in stop and len(w) > 2
    }


def match_reports(pack: ParsedPack) -> tuple[dict[int, ParsedReport], list[str]]:
    """Each report's agenda item number (by title words, then the presenter's name)."""
    matched: dict[int, ParsedReport] = {}
    unmatched = []
    for report in pack.reports:
        best, score = None, 0.0
        for item in pack.items:
            if item.number in matched:
                continue
            a, b = _words(report.title), _words(item.title)
            overlap = len(a & b) / max(1, min(len(a), len(b)))
            employee = (report.fields.get("accountable_employee") or "").split()
            if employee and item.presenter and employee[-1].lower() in item.presenter.lower():
                overlap += 0.5
            if overlap > score:
                best, score = item, overlap
        if best is not None and score >= 0.5:
            matched[best.number] = report
        else:
            unmatched.append(f"line {report.line}: no agenda item for the report '{report.title}'")
    return matched, unmatched


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportResult:
    meeting: Meeting
    items: int
    reports: int
    previous_meeting: Meeting | None
    minute_items: int
    resolutions: int
    roll: int
    work_programme: int
    warnings: list[str]


def _body_kind(name: str) -> str:
    lowered = name.lower()
    if "scrutiny board" in lowered:
        return "scrutiny_board"
    if "scrutiny" in lowered:
        return "scrutiny_panel"
    if lowered.startswith("cabinet"):
        return "cabinet"
    if "partnership" in lowered:
        return "partnership_board"
    return "board"


def import_pack(db: Session, text: str, *, actor: str, source: str = "pack") -> ImportResult:
    pack = parse(text, source)
    matched, warnings = match_reports(pack)
    problems = []
    body = db.scalar(select(Body).where(Body.name == pack.body))
    meeting = None
    if body is not None:
        meeting = db.scalar(
            select(Meeting).where(
                Meeting.body_id == body.id, Meeting.meeting_date == pack.meeting_date
            )
        )
        if meeting is not None and db.scalar(
            select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id).limit(1)
        ):
            problems.append(
                Problem(
                    "meeting_date",
                    f"the {pack.meeting_date:%-d %B %Y} meeting of {pack.body} already "
                    "has an agenda: nothing imported",
                    file=source,
                    row=1,
                )
            )
    if problems:
        raise Invalid(problems)
    with change(db):
        if body is None:
            body = Body(
                name=pack.body,
                kind=_body_kind(pack.body),
                quorum=pack.quorum,
                remit=pack.remit,
                created_at=now(),
            )
            db.add(body)
            db.flush()
            record_event(db, actor, "body", body.id, "imported", {"source": source})
        else:
            body.quorum = body.quorum or pack.quorum
            body.remit = body.remit or pack.remit
        members = {m.name: m for m in db.scalars(select(Member).where(Member.body_id == body.id))}
        for name, party, role in pack.members:
            if name not in members:
                members[name] = Member(
                    body_id=body.id, name=name, party=party, role=role, voting=True
                )
                db.add(members[name])
        db.flush()
        if meeting is None:
            meeting = Meeting(
                body_id=body.id,
                meeting_date=pack.meeting_date,
                created_at=now(),
                state="planned",
                mode="in_room",
            )
            db.add(meeting)
        meeting.start_time = meeting.start_time or pack.start_time
        meeting.venue = meeting.venue or pack.venue
        meeting.public = pack.public
        db.flush()
        for parsed in pack.items:
            item = AgendaItem(
                meeting_id=meeting.id,
                number=parsed.number,
                group_title=parsed.group,
                title=parsed.title,
                presenter=parsed.presenter,
                purpose=parsed.purpose,
                page_from=parsed.page_from,
                page_to=parsed.page_to,
                exempt=parsed.exempt,
                report_to_follow=parsed.report_to_follow,
                verbal_update=parsed.verbal_update,
            )
            db.add(item)
            db.flush()
            report = matched.get(parsed.number)
            if report is not None:
                db.add(
                    Report(
                        agenda_item_id=item.id,
                        title=report.title or parsed.title,
                        route_json=json.dumps(report.route),
                        recommendations_decision_json=json.dumps(report.decision),
                        recommendations_noting_json=json.dumps(report.noting),
                        implications_json=json.dumps(report.implications),
                        background_papers=report.background or None,
                        appendices_json=json.dumps(report.appendices),
                        **{k: v for k, v in report.fields.items() if v not in (None, "")},
                    )
                )
        previous, minute_items, resolutions, roll = _previous_meeting(
            db, pack, body, members, meeting, warnings
        )
        wp = _work_programme(db, pack, body)
        db.flush()
        record_event(
            db,
            actor,
            "meeting",
            meeting.id,
            "pack_imported",
            {"source": source, "items": len(pack.items)},
        )
    return ImportResult(
        meeting,
        len(pack.items),
        len(matched),
        previous,
        minute_items,
        resolutions,
        roll,
        wp,
        warnings + pack.warnings,
    )


def _previous_meeting(
    db: Session,
    pack: ParsedPack,
    body: Body,
    members: dict[str, Member],
    meeting: Meeting,
    warnings: list[str],
) -> tuple[Meeting | None, int, int, int]:
    """The attendance and minutes in the pack, onto the meeting they record."""
    if not pack.minutes and not pack.roll:
        return None, 0, 0, 0
    day = pack.previous_date
    target = meeting
    if day is not None and day != pack.meeting_date:
        target = db.scalar(
            select(Meeting).where(Meeting.body_id == body.id, Meeting.meeting_date == day)
        )
        if target is None:
            target = Meeting(
                body_id=body.id,
                meeting_date=day,
                state="held",
                mode="in_room",
                public=pack.public,
                created_at=now(),
            )
            db.add(target)
            db.flush()
    existing_minutes = db.scalar(select(Minutes.id).where(Minutes.meeting_id == target.id).limit(1))
    existing_roll = db.scalar(
        select(Attendance.id).where(Attendance.meeting_id == target.id).limit(1)
    )
    roll = 0
    if existing_roll:
        warnings.append(
            f"the {target.meeting_date:%-d %B %Y} meeting already has a roll: kept as it was"
        )
    else:
        for kind, name, status, title in pack.roll:
            member = members.get(name)
            if kind == "member" and member is None:
                member = Member(body_id=body.id, name=name, role="co_opted", voting=False)
                members[name] = member
                db.add(member)
                db.flush()
            db.add(
                Attendance(
                    meeting_id=target.id,
                    kind=kind,
                    member_id=member.id if kind == "member" else None,
                    name=name,
                    job_title=title,
                    status=status,
                )
            )
            roll += 1
    n_items = n_res = 0
    if existing_minutes:
        warnings.append(
            f"the {target.meeting_date:%-d %B %Y} meeting already has minutes: kept as they were"
        )
    elif pack.minutes:
        minutes = Minutes(
            meeting_id=target.id,
            version=1,
            status="draft",
            created_at=now(),
            created_by="pack-import",
        )
        db.add(minutes)
        db.flush()
        seen: set[int] = set()
        for parsed in pack.minutes:
            if parsed.number in seen:
                warnings.append(
                    f"line {parsed.line}: minute item {parsed.number} repeated: skipped"
                )
                continue
            seen.add(parsed.number)
            item = MinuteItem(
                minutes_id=minutes.id,
                number=parsed.number,
                title=parsed.title,
                narrative="\n\n".join(parsed.narrative) or None,
                exempt=parsed.exempt,
            )
            db.add(item)
            db.flush()
            n_items += 1
            for n, text in enumerate(parsed.resolutions, start=1):
                db.add(
                    Resolution(
                        minute_item_id=item.id,
                        key=f"{target.id}/{parsed.number}/{n}",
                        number=n,
                        text=text,
                        recommendation=False,
                    )
                )
                n_res += 1
    return target, n_items, n_res, roll


def _work_programme(db: Session, pack: ParsedPack, body: Body) -> int:
    count = 0
    no_tests = json.dumps({t: False for t in NINE_TESTS})
    for day, title, author, notes in pack.work_programme:
        meeting = db.scalar(
            select(Meeting).where(Meeting.body_id == body.id, Meeting.meeting_date == day)
        )
        if meeting is None:
            meeting = Meeting(
                body_id=body.id,
                meeting_date=day,
                state="planned",
                mode="in_room",
                public=True,
                created_at=now(),
            )
            db.add(meeting)
            db.flush()
        exempt = "exempt" in title.lower()
        pre = "pre-decision" in title.lower() or "pre-decision" in (notes or "").lower()
        clean = re.sub(r"\s*[–-]\s*exempt item\s*$", "", title, flags=re.I)
        clean = re.sub(r"\s*\(pre-decision scrutiny\)", "", clean, flags=re.I).strip()
        db.add(
            WorkProgrammeItem(
                body_id=body.id,
                meeting_id=meeting.id,
                title=clean,
                lead_author=author,
                notes=notes,
                exempt=exempt,
                pre_decision=pre,
                tests_json=no_tests,
            )
        )
        count += 1
    for title, lead, notes in pack.future_items:
        db.add(
            WorkProgrammeItem(
                body_id=body.id,
                meeting_id=None,
                title=title,
                lead_author=lead,
                notes=notes,
                pre_decision=bool(notes),
                tests_json=no_tests,
            )
        )
        count += 1
    return count


def import_file(db: Session, path: Path, *, actor: str) -> ImportResult:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid([Problem("file", f"cannot be read: {exc}", file=str(path))]) from None
    return import_pack(db, text, actor=actor, source=Path(path).name)
