"""Reports' cover sheets: one per agenda item.

Lists are kept as JSON: the route (``[{"body", "date"}]``), recommendations for
decision and for noting (``[str]``), implications (``[{"kind", "text",
"sign_off"}]``; a sign-off looks like ``JB/21102020/A``: initials, the date
signed off, a letter), appendices (``[str]``: the titles the cover sheet lists,
e.g. "Appendix A - Action plan").
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.scrutiny.common import Checks, change, get, record_event
from casebook.scrutiny.models import DESIGNATIONS, AgendaItem, Report

IMPLICATION_KINDS = (
    "financial",
    "legal",
    "equalities",
    "climate",
    "environmental",
    "human_resources",
    "corporate_landlord",
    "health",
    "other",
)
SIGN_OFF = re.compile(r"^\[?([A-Z]{1,4})/(\d{8})/([A-Z])\]?$")


def _yes_no(checks: Checks, field: str, value: Any) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "y", "true", "1", "on"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    checks.add(field, "must be yes or no")
    return None


def _text_list(checks: Checks, field: str, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [line.strip() for line in value.splitlines()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        checks.add(field, "must be a list of lines of text")
        return []
    return [v.strip() for v in value if v and v.strip()]


def _appendices(checks: Checks, value: Any) -> list[str]:
    """Appendix titles, one a line (or a list); each at most 1,000 characters."""
    titles = [t.replace("\x00", "") for t in _text_list(checks, "appendices", value)]
    if len(titles) > 100:
        checks.add("appendices", "list at most 100 appendices")
        return []
    for n, title in enumerate(titles, start=1):
        if len(title) > 1000:
            checks.add("appendices", f"line {n}: an appendix title is at most 1,000 characters")
            return []
    return titles


def read_route(checks: Checks, value: Any) -> list[dict[str, str]]:
    """``[{"body", "date"}]``, or lines "Body | YYYY-MM-DD"."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        rows = []
        for n, line in enumerate(value.splitlines(), start=1):
            if not line.strip():
                continue
            body, _, day = line.partition("|")
            rows.append({"body": body.strip(), "date": day.strip(), "_line": n})
        value = rows
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        checks.add("route", "must be a list of {body, date}")
        return []
    out = []
    for n, row in enumerate(value, start=1):
        body = row.get("body")
        if not isinstance(body, str) or not body.strip():
            checks.add("route", f"line {row.get('_line', n)} needs the body's name")
            continue
        day = row.get("date")
        parsed = None
        if day not in (None, ""):
            sub = Checks()
            parsed = sub.day("route", day)
            if sub.problems:
                checks.add("route", f"line {row.get('_line', n)}: the date must be YYYY-MM-DD")
        out.append({"body": body.strip(), "date": parsed.isoformat() if parsed else None})
    return out


def read_implications(checks: Checks, value: Any) -> list[dict[str, str | None]]:
    """``[{"kind", "text", "sign_off"}]``, or lines "kind | text | AB/01012020/A"."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        rows = []
        for line in value.splitlines():
            if line.strip():
                parts = [p.strip() for p in line.split("|")]
                rows.append(
                    {
                        "kind": parts[0],
                        "text": parts[1] if len(parts) > 1 else "",
                        "sign_off": parts[2] if len(parts) > 2 else None,
                    }
                )
        value = rows
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        checks.add("implications", "must be a list of {kind, text, sign_off}")
        return []
    out = []
    for n, row in enumerate(value, start=1):
        kind = str(row.get("kind") or "").strip().lower().replace(" ", "_")
        if kind not in IMPLICATION_KINDS:
            checks.add(
                "implications", f"line {n}: the kind must be one of {', '.join(IMPLICATION_KINDS)}"
            )
            continue
        sign_off = row.get("sign_off")
        if sign_off not in (None, ""):
            match = SIGN_OFF.match(str(sign_off).strip())
            if not match:
                checks.add("implications", f"line {n}: the sign-off must look like AB/21102020/A")
                continue
            sign_off = "/".join(match.groups())
        out.append(
            {"kind": kind, "text": str(row.get("text") or "").strip(), "sign_off": sign_off or None}
        )
    return out


def report_of(db: Session, item_id: str) -> Report | None:
    return db.scalar(select(Report).where(Report.agenda_item_id == item_id))


def set_report(db: Session, item_id: str, values: dict[str, Any], *, actor: str) -> Report:
    """Write the item's cover sheet (creating it the first time). Once the agenda
    is published, what was published stays in the publication; publish again to
    show the change."""
    item = get(db, AgendaItem, item_id, "agenda item")
    checks = Checks()
    designation = values.get("designation") or None
    texts = {
        name: checks.text(name, values.get(name), required=False)
        for name in (
            "lead_cabinet_members",
            "wards",
            "accountable_director",
            "originating_service",
            "accountable_employee",
            "employee_job_title",
            "employee_contact",
            "background_papers",
        )
    }
    fields = {
        "title": checks.text("title", values.get("title"), limit=1000),
        "designation": checks.choice(
            "designation", designation and str(designation).lower(), DESIGNATIONS, required=False
        ),
        **texts,
        "key_decision": _yes_no(checks, "key_decision", values.get("key_decision")),
        "forward_plan": _yes_no(checks, "forward_plan", values.get("forward_plan")),
        "route_json": json.dumps(read_route(checks, values.get("route"))),
        "recommendations_decision_json": json.dumps(
            _text_list(checks, "recommendations_decision", values.get("recommendations_decision"))
        ),
        "recommendations_noting_json": json.dumps(
            _text_list(checks, "recommendations_noting", values.get("recommendations_noting"))
        ),
        "implications_json": json.dumps(read_implications(checks, values.get("implications"))),
        "appendices_json": json.dumps(_appendices(checks, values.get("appendices"))),
    }
    checks.done()
    with change(db):
        report = report_of(db, item.id)
        if report is None:
            report = Report(agenda_item_id=item.id, **fields)
            db.add(report)
            what = "report_added"
        else:
            for key, value in fields.items():
                setattr(report, key, value)
            what = "report_changed"
        if item.report_to_follow:
            item.report_to_follow = False
        db.flush()
        record_event(db, actor, "agenda_item", item.id, what, {"title": fields["title"]})
    return report


def route_of(report: Report) -> list[dict[str, str]]:
    return json.loads(report.route_json)


def appendices_of(report: Report) -> list[str]:
    return json.loads(report.appendices_json or "[]")
