"""JSON API: the workflow steps, the same operations as the casework pages.

``GET /api/children/{person_id}/steps`` says which steps make sense for the
child now (and why not for the rest), with each one's clock and fields.
Each registered step gets ``POST /api/children/{person_id}/steps/{key}`` with
a body model generated from its fields, so the OpenAPI description documents
every step. Answers: 201 with the rows written; 422 naming each field that is
wrong (by pydantic for shapes, by the step for meaning and sequence); 409 when
the step does not make sense for the child's state, with the reason. Unsafe
calls need ``X-CSRF-Token``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField

from casebook.access.policy import allowed
from casebook.access.roles import Action
from casebook.record.workflows.framework import (
    CHOICE,
    CODE,
    DATE,
    LONG_TEXT,
    LONG_TEXT_MAX,
    NUMBER,
    TEXT_MAX,
    YES_NO,
    Field,
    Step,
    child_state,
    clock_for,
    form_options,
    load_steps,
    perform,
    steps_for,
)
from casebook.web.api.front_door import Text
from casebook.web.deps import ChildId, CurrentUser, DbSession, csrf_protect, requires
from casebook.web.routes.casework import action_for, actor_for
from casebook.web.routes.children import CLEAN_PATH

router = APIRouter(prefix="/api", tags=["casework"])


class FieldOut(BaseModel):
    name: str
    label: str
    kind: str = PydanticField(description="date, text, long_text, code, yes_no, number, choice")
    required: bool
    hint: str | None = None
    code_list: str | None = None
    multiple: bool = False
    options: list[tuple[str, str]] | None = PydanticField(
        default=None, description="(value, label) choices of a code or choice field, now"
    )


class StepOut(BaseModel):
    key: str
    title: str
    area: str
    allowed: bool = PydanticField(description="the step makes sense for the child now")
    reason: str | None = PydanticField(default=None, description="why not, when not allowed")
    clock: str | None = PydanticField(
        default=None, examples=["Initial conference due 15 Jan 2025, 4 working days left"]
    )
    manager: bool = PydanticField(description="a manager's step (needs the oversee permission)")
    may: bool = PydanticField(description="your role may take it")
    needs_authorisation: bool
    fields: list[FieldOut]


class WrittenOut(BaseModel):
    table: str
    id: str


class DoneOut(BaseModel):
    step: str
    person_id: str
    written: list[WrittenOut]


@router.get(
    "/children/{person_id}/steps",
    dependencies=[Depends(requires(Action.VIEW_CHILD)), CLEAN_PATH],
)
def child_steps(db: DbSession, user: CurrentUser, person_id: ChildId) -> list[StepOut]:
    """Every step, whether it makes sense for the child now (and why not), with its clock."""
    today = date.today()
    state = child_state(db, person_id, today)
    answer = []
    for choice in steps_for(state):
        s = choice.step
        options = form_options(db, s, state) if choice.allowed else {}
        answer.append(
            StepOut(
                key=s.key,
                title=s.title,
                area=s.area,
                allowed=choice.allowed,
                reason=choice.reason,
                clock=clock_for(db, s, state, today) if choice.allowed else None,
                manager=s.manager,
                may=allowed(user, action_for(s)),
                needs_authorisation=s.needs_authorisation,
                fields=[
                    FieldOut(
                        name=f.name,
                        label=f.label,
                        kind=f.kind,
                        required=f.required,
                        hint=f.hint,
                        code_list=f.code_list,
                        multiple=f.multiple,
                        options=options.get(f.name),
                    )
                    for f in s.fields
                ],
            )
        )
    return answer


# --------------------------------------------------------------------------- one model per step


def _annotation(f: Field) -> Any:
    if f.kind == DATE:
        return date
    if f.kind == YES_NO:
        return Literal["Y", "N"]
    if f.kind == NUMBER:
        return Annotated[int, PydanticField(ge=f.minimum, le=f.maximum)]
    longest = LONG_TEXT_MAX if f.kind == LONG_TEXT else TEXT_MAX
    text = Annotated[Text, PydanticField(max_length=longest)]
    if f.kind in (CODE, CHOICE) and f.multiple:
        return Annotated[list[text], PydanticField(max_length=100)]  # type: ignore[valid-type]
    return text


def _description(f: Field) -> str:
    parts = [f.label]
    if f.hint:
        parts.append(f.hint)
    if f.kind == CODE:
        parts.append(f"a code of the {f.code_list} list")
    if f.kind == CHOICE:
        parts.append("one of the options GET .../steps lists for this field")
    return ". ".join(parts)


def body_model(step: Step) -> type[BaseModel]:
    """The step's body: its fields, typed; unknown fields refused.

    Required fields are documented as required but checked by the step itself,
    after it has checked the step makes sense for the child: a step that does
    not is 409 with the reason, whatever the body.
    """
    definitions: dict[str, Any] = {
        f.name: (_annotation(f) | None, PydanticField(default=None, description=_description(f)))
        for f in step.fields
    }
    required = [f.name for f in step.fields if f.required]
    name = "Step" + "".join(p.capitalize() for p in step.key.replace("-", "_").split("_")) + "In"
    config = ConfigDict(extra="forbid", json_schema_extra={"required": required})
    return create_model(  # type: ignore[call-overload]
        name, __config__=config, __doc__=step.title, **definitions
    )


def _handler(step: Step, model: type[BaseModel]) -> Callable[..., DoneOut]:
    def take(
        db: DbSession,
        user: CurrentUser,
        person_id: ChildId,
        body: BaseModel,  # the step's own model: see below
    ) -> DoneOut:
        values = body.model_dump(exclude_none=True)  # type: ignore[attr-defined]
        done = perform(db, actor_for(user), person_id, step.key, values, date.today())
        return DoneOut(
            step=step.key,
            person_id=person_id,
            written=[WrittenOut(table=t, id=i) for t, i in done.written],
        )

    take.__name__ = f"api_step_{step.key}"
    # The body's model is made at run time: give FastAPI the type, not its name.
    take.__annotations__["body"] = Annotated[model, Body()]
    return take


def _add_step_routes() -> None:
    for step in load_steps().values():
        router.add_api_route(
            f"/children/{{person_id}}/steps/{step.key}",
            _handler(step, body_model(step)),
            methods=["POST"],
            status_code=201,
            response_model=DoneOut,
            summary=step.title,
            description=step.description or step.title,
            dependencies=[
                Depends(requires(action_for(step))),
                Depends(csrf_protect),
                CLEAN_PATH,
            ],
        )


_add_step_routes()
