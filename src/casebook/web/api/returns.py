"""JSON API: the returns operations, the same as the returns pages.

Every route needs ``Action.RETURNS``. ``POST /api/returns/validate`` takes the
files' text in the body (CSV tables: SSDA903; XML: CIN census), parses all of
them, then runs every rule; a file that cannot be read is 422 naming file,
row or element, and field. Unsafe calls need ``X-CSRF-Token``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from casebook.access.roles import Action
from casebook.returns import continuous, report
from casebook.web.deps import DbSession, csrf_protect, requires
from casebook.web.routes.returns import MAX_UPLOAD_BYTES, PAGE_ROWS

router = APIRouter(prefix="/api", tags=["returns"])


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FileIn(Strict):
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    content: Annotated[Text, Field(max_length=MAX_UPLOAD_BYTES)]


class ValidateIn(Strict):
    year: Annotated[int, Field(ge=2010, le=2100)]
    files: Annotated[list[FileIn], Field(min_length=1, max_length=50)]


class ErrorOut(BaseModel):
    rule: str
    child: str | None
    table: str
    field: str
    row: int | None
    message: str


class ValidateOut(BaseModel):
    collection: str
    year: int
    count: int
    errors: list[ErrorOut]


class RuleCount(BaseModel):
    collection: str
    rule: str
    message: str
    errors: int
    children: int


class TeamCount(BaseModel):
    team: str
    errors: int
    children: int


class OpenErrorsOut(BaseModel):
    year: int
    count: int
    by_rule: list[RuleCount]
    by_team: list[TeamCount]
    errors: list[ErrorOut]


class RuleOut(BaseModel):
    collection: str
    code: str
    message: str
    fields: list[str]


@router.post(
    "/returns/validate",
    dependencies=[Depends(requires(Action.RETURNS)), Depends(csrf_protect)],
)
def validate(body: ValidateIn) -> ValidateOut:
    files = [(f.name, f.content.encode("utf-8")) for f in body.files]
    kind, errors = report.validate_files(files, body.year)
    return ValidateOut(
        collection="CIN" if kind == "cin" else "903",
        year=body.year,
        count=len(errors),
        errors=[ErrorOut(**e.as_dict()) for e in errors],
    )


@router.get("/returns/errors", dependencies=[Depends(requires(Action.RETURNS))])
def open_errors(
    db: DbSession,
    rule: Annotated[str, Query(max_length=20)] = "",
    team: Annotated[str, Query(max_length=200)] = "",
    year: Annotated[int | None, Query(ge=2010, le=2100)] = None,
) -> OpenErrorsOut:
    """Every error the record would raise today (the first 1000 listed; filter by
    rule or team), with the counts by rule and by team."""
    found = continuous.open_errors(db, date.today(), year)
    listed = found.where(rule=rule.strip() or None, team=team.strip() or None)
    return OpenErrorsOut(
        year=found.year,
        count=len(listed),
        by_rule=[
            RuleCount(collection=c, rule=r, message=m, errors=n, children=k)
            for c, r, m, n, k in found.by_rule()
        ],
        by_team=[TeamCount(team=t, errors=n, children=k) for t, n, k in found.by_team()],
        errors=[ErrorOut(**e.as_dict()) for e in listed[:PAGE_ROWS]],
    )


@router.get("/returns/rules", dependencies=[Depends(requires(Action.RETURNS))])
def rules() -> list[RuleOut]:
    """Every validation rule of both returns: its DfE code, message and fields."""
    from casebook.returns import cin
    from casebook.returns.ssda903 import RULES_903

    out = [
        RuleOut(collection="903", code=r.code, message=r.message, fields=list(r.fields))
        for r in RULES_903
    ]
    out += [
        RuleOut(collection="CIN", code=r.code, message=r.message, fields=list(r.fields))
        for r in cin.RULES
    ]
    return out
