"""Code lists as choices for forms and pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.models import CodeValue
from casebook.record.models.base import ACTIVE


def code_options(session: Session, list_name: str) -> list[tuple[str, str]]:
    """A code list as (code, "Label (code)") choices, in the list's order."""
    rows = session.execute(
        select(CodeValue.code, CodeValue.label)
        .where(CodeValue.list_name == list_name, CodeValue.cb_status == ACTIVE)
        .order_by(CodeValue.sort_order, CodeValue.code)
    ).all()
    return [(code, f"{label[:1].upper()}{label[1:]} ({code})") for code, label in rows]
