"""Pages: every workflow step of a child's journey, generated from its declaration.

``GET /children/{person_id}/steps`` lists what can be done for the child now,
and why not for the rest. Each registered step (``record/workflows``) gets
``GET`` and ``POST /children/{person_id}/steps/{key}``: its form, built from
its fields, with the clock it runs against; the form keeps what was typed and
puts each error beside its field; success goes back to the child's record.

Permissions: the list needs ``Action.VIEW_CHILD`` (a manager without
EDIT_CHILD still sees what waits for their authorisation); a step needs
``Action.EDIT_CHILD``, or ``Action.OVERSEE`` for a manager's step. Every route
takes the child through ``ChildId`` (scope check and access log).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from casebook.access.policy import User, allowed
from casebook.access.roles import Action
from casebook.record.errors import Conflict, Invalid
from casebook.record.workflows.framework import (
    AREAS,
    CHOICE,
    CODE,
    DATE,
    NotAvailable,
    Step,
    StepActor,
    child_state,
    clock_for,
    form_options,
    load_steps,
    perform,
    steps_for,
)
from casebook.web.deps import ChildId, CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import FormErrors, date_values
from casebook.web.routes.children import CLEAN_PATH, child_name
from casebook.web.templating import render

router = APIRouter()


def action_for(step: Step) -> Action:
    """The one permission a step's routes declare."""
    return Action.OVERSEE if step.manager else Action.EDIT_CHILD


def actor_for(user: User) -> StepActor:
    return StepActor(user.username, professional_id=user.professional_id, team_id=user.team_id)


async def _posted(request: Request) -> dict[str, Any]:
    """The posted form: one value per field, a list for fields sent more than once."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or key == "csrf_token":
            continue
        value = value.replace("\x00", "")
        if key in values:
            previous = values[key]
            values[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[key] = value
    return values


PostedForm = Annotated[dict[str, Any], Depends(_posted)]


# --------------------------------------------------------------------------- what can be done


@router.get(
    "/children/{person_id}/steps",
    dependencies=[Depends(requires(Action.VIEW_CHILD)), CLEAN_PATH],
)
def child_steps(request: Request, db: DbSession, user: CurrentUser, person_id: ChildId) -> Response:
    today = date.today()
    state = child_state(db, person_id, today)
    areas: dict[str, list[dict[str, Any]]] = {}
    for choice in steps_for(state):
        may = allowed(user, action_for(choice.step))
        areas.setdefault(choice.step.area, []).append(
            {
                "step": choice.step,
                "reason": choice.reason,
                "may": may,
                "clock": clock_for(db, choice.step, state, today) if choice.allowed else None,
            }
        )
    ordered = [(AREAS.get(a, a.replace("_", " ").capitalize()), rows) for a, rows in areas.items()]
    return render(
        request,
        "casework/steps.html",
        {
            "title": f"What can be done: {child_name(db, person_id)}",
            "name": child_name(db, person_id),
            "person_id": person_id,
            "areas": ordered,
        },
    )


# --------------------------------------------------------------------------- one step


def _defaults(step: Step, today: date) -> dict[str, Any]:
    """A new form: required dates start at today."""
    values: dict[str, Any] = {}
    for f in step.fields:
        if f.kind == DATE and f.required:
            values.update(date_values(f.name, today))
    return values


def _step_page(
    request: Request,
    db: Session,
    person_id: str,
    step: Step,
    values: dict[str, Any],
    errors: FormErrors,
    status: int,
    refusal: str | None = None,
) -> Response:
    today = date.today()
    state = child_state(db, person_id, today)
    reason = refusal or step.available(state)
    name = child_name(db, person_id)
    return render(
        request,
        "casework/step.html",
        {
            "title": f"{step.title}: {name}",
            "name": name,
            "person_id": person_id,
            "step": step,
            "reason": reason,
            "clock": None if reason else clock_for(db, step, state, today),
            "options": {} if reason else form_options(db, step, state),
            "values": values,
            "errors": errors,
            "kinds": {"code": CODE, "choice": CHOICE},
        },
        status_code=status,
    )


def _get_handler(step: Step) -> Callable[..., Response]:
    def show(request: Request, db: DbSession, person_id: ChildId) -> Response:
        return _step_page(
            request, db, person_id, step, _defaults(step, date.today()), FormErrors(), 200
        )

    show.__name__ = f"step_{step.key}_form"
    show.__doc__ = f"The form: {step.title}."
    return show


def _post_handler(step: Step) -> Callable[..., Response]:
    def take(
        request: Request, db: DbSession, user: CurrentUser, person_id: ChildId, form: PostedForm
    ) -> Response:
        try:
            perform(db, actor_for(user), person_id, step.key, form, date.today())
        except NotAvailable as exc:
            return _step_page(request, db, person_id, step, form, FormErrors(), 409, exc.reason)
        except Invalid as exc:
            errors = FormErrors()
            for problem in exc.problems:
                errors.add(problem.field, problem.message[:1].upper() + problem.message[1:])
            return _step_page(request, db, person_id, step, form, errors, 422)
        except Conflict as exc:
            return _step_page(request, db, person_id, step, form, FormErrors(), 409, str(exc))
        return RedirectResponse(f"/children/{person_id}", status_code=303)

    take.__name__ = f"step_{step.key}_take"
    take.__doc__ = f"Record: {step.title}."
    return take


def _add_step_routes() -> None:
    for step in load_steps().values():
        path = f"/children/{{person_id}}/steps/{step.key}"
        router.add_api_route(
            path,
            _get_handler(step),
            methods=["GET"],
            dependencies=[Depends(requires(action_for(step))), CLEAN_PATH],
        )
        router.add_api_route(
            path,
            _post_handler(step),
            methods=["POST"],
            dependencies=[
                Depends(requires(action_for(step))),
                Depends(csrf_protect),
                CLEAN_PATH,
            ],
        )


_add_step_routes()
