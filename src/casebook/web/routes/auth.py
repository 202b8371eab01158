"""Sign in and sign out."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from casebook.access import accounts
from casebook.web.deps import PRE_CSRF_COOKIE, SESSION_COOKIE, DbSession, csrf_protect
from casebook.web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only ever redirect within Casebook."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _sign_in_page(request: Request, values: dict, errors: dict, status: int = 200) -> Response:
    token = request.cookies.get(PRE_CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.pre_csrf = token
    response = render(
        request,
        "sign_in.html",
        {
            "title": "Sign in",
            "values": values,
            "errors": errors,
            "next_url": _safe_next(values.get("next")),
        },
        status_code=status,
    )
    response.set_cookie(
        PRE_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
    )
    return response


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
    return _sign_in_page(request, {"next": next}, {})


@router.post("/sign-in", dependencies=[Depends(csrf_protect)])
def sign_in(
    request: Request,
    db: DbSession,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    values = {"username": username, "next": next}
    errors = {}
    if not username.strip():
        errors["username"] = "Enter your username"
    if not password:
        errors["password"] = "Enter your password"
    if errors:
        return _sign_in_page(request, values, errors, status=422)
    result = accounts.sign_in(db, username.strip(), password, accounts.now())
    if result.token is None:
        return _sign_in_page(request, values, {"username": result.error}, status=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
    )
    response.delete_cookie(PRE_CSRF_COOKIE)
    return response


@router.post("/sign-out", dependencies=[Depends(csrf_protect)])
def sign_out(request: Request, db: DbSession) -> Response:
    accounts.sign_out(db, request.cookies.get(SESSION_COOKIE), accounts.now())
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
