"""Every error mapped to a response in one place: JSON for /api, a page otherwise.

Record errors keep their meaning (404, 403, 409, 422, naming the fields); a
missing session sends a browser to sign in; nothing ever shows a traceback.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from casebook.record.errors import Conflict, Forbidden, Invalid, NotFound, RecordError
from casebook.web.deps import CsrfFailed, NotSignedIn
from casebook.web.templating import render

logger = logging.getLogger("casebook.web")

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422}
TITLES = {
    400: "There is a problem with the request",
    401: "Sign in to continue",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That cannot be done here",
    409: "Someone else changed this first",
    422: "There is a problem with what was entered",
    500: "Sorry, there is a problem with the service",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _page(request: Request, status: int, message: str) -> Response:
    return render(
        request,
        "error.html",
        {"title": TITLES.get(status, "Error"), "message": message},
        status_code=status,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(RecordError)
    async def record_error(request: Request, exc: RecordError) -> Response:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        if _is_api(request):
            body: dict = {"detail": str(exc)}
            if isinstance(exc, Invalid):
                body["errors"] = [
                    {"field": p.field, "message": p.message, "file": p.file, "row": p.row}
                    for p in exc.problems
                ]
            return JSONResponse(body, status_code=status)
        return _page(request, status, str(exc))

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "Sign in first."}, status_code=401)
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/sign-in?next={target}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        message = "The form had expired or did not come from Casebook. Go back and try again."
        if _is_api(request):
            return JSONResponse({"detail": "Missing or wrong X-CSRF-Token."}, status_code=403)
        return _page(request, 403, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "field": ".".join(
                    str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")
                ),
                "message": e.get("msg", "invalid"),
            }
            for e in exc.errors()
        ]
        if _is_api(request):
            return JSONResponse({"detail": "Invalid input.", "errors": errors}, status_code=422)
        text = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return _page(request, 422, text)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return _page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Log the kind of failure and where, never the request's data.
        logger.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        if _is_api(request):
            return JSONResponse({"detail": TITLES[500]}, status_code=500)
        return _page(request, 500, "Try again later.")
