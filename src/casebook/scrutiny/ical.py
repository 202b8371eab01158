"""The public meetings calendar as iCalendar (RFC 5545).

One event per meeting held in public; its description lists the open (Part 1)
items of the latest published agenda, never an exempt one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from casebook.scrutiny.agenda import public_copy
from casebook.scrutiny.common import now
from casebook.scrutiny.public import public_meetings

PRODID = "-//Casebook//Scrutiny meetings//EN"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF and a space)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def calendar(db, base_url: str = "") -> str:
    stamp = now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Council meetings",
    ]
    for row in public_meetings(db):
        meeting, body = row.meeting, row.body
        lines += ["BEGIN:VEVENT", f"UID:{meeting.id}@casebook", f"DTSTAMP:{stamp}"]
        if meeting.start_time:
            hours, minutes = (int(p) for p in meeting.start_time.split(":"))
            start = datetime.combine(meeting.meeting_date, datetime.min.time()).replace(
                hour=hours, minute=minutes
            )
            end = start + timedelta(hours=2)
            lines += [f"DTSTART:{start:%Y%m%dT%H%M%S}", f"DTEND:{end:%Y%m%dT%H%M%S}"]
        else:
            day = meeting.meeting_date
            lines += [
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            ]
        lines.append(f"SUMMARY:{_escape(body.name)}")
        if meeting.venue:
            lines.append(f"LOCATION:{_escape(meeting.venue)}")
        description = []
        if row.published is not None:
            pack = public_copy(db, row.published)
            description = [f"{i['number']}. {i['title']}" for i in pack["items"]]
        else:
            description = ["The agenda has not been published yet."]
        lines.append(f"DESCRIPTION:{_escape(chr(10).join(description))}")
        lines.append(f"URL:{base_url}/public/meetings/{meeting.id}")
        lines.append("STATUS:CANCELLED" if meeting.state == "cancelled" else "STATUS:CONFIRMED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
