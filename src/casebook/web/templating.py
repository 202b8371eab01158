"""Jinja2 rendering with what every page needs: the user, the CSRF token, the nav."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from casebook.access.policy import allowed
from casebook.access.roles import ROLE_TITLES, Action
from casebook.web.navigation import SECTIONS

TEMPLATES = Path(__file__).resolve().parent / "templates"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())


def _long_date(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def _short_date(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


env.filters["long_date"] = _long_date
env.filters["short_date"] = _short_date
env.globals["Action"] = Action
env.globals["ROLE_TITLES"] = ROLE_TITLES
env.globals["sections"] = SECTIONS


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    active = getattr(request.state, "active_session", None)
    user = active.user if active else None
    page = {
        "request": request,
        "user": user,
        "csrf_token": active.csrf_token if active else getattr(request.state, "pre_csrf", ""),
        "can": (lambda action: user is not None and allowed(user, action)),
        "today": date.today(),
        **(context or {}),
    }
    return HTMLResponse(env.get_template(template).render(page), status_code=status_code)
