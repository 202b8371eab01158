"""The web application: FastAPI, server-rendered GOV.UK pages and a JSON API.

Routes are thin: they parse input, call one function of the record or access
packages and render the result. The engine is made once by the entry point.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from casebook import __version__
from casebook.record.db import session_factory
from casebook.settings import Settings, get_settings
from casebook.web import errors
from casebook.web.api import admin as admin_api
from casebook.web.api import care as care_api
from casebook.web.api import casework as casework_api
from casebook.web.api import children as children_api
from casebook.web.api import front_door as front_door_api
from casebook.web.api import performance as performance_api
from casebook.web.api import returns as returns_api
from casebook.web.api import scrutiny as scrutiny_api
from casebook.web.api import worklists as worklists_api
from casebook.web.routes import (
    admin,
    auth,
    care,
    casework,
    children,
    front_door,
    home,
    partner,
    performance,
    public,
    returns,
    scrutiny,
    search,
    worklists,
)
from casebook.web.security import SecureHeaders

STATIC = Path(__file__).resolve().parent / "static"


def create_app(engine: Engine, settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Casebook",
        version=__version__,
        description="The child's record: find a child, the front door, the record and chronology.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.sessions = session_factory(engine)
    app.state.settings = settings
    app.add_middleware(SecureHeaders)
    errors.install(app)

    govuk = settings.node_modules / "govuk-frontend" / "dist" / "govuk"
    if govuk.is_dir():
        app.mount("/assets", StaticFiles(directory=govuk / "assets"), name="assets")
        app.mount("/static/govuk", StaticFiles(directory=govuk), name="govuk")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    for module in (
        auth,
        home,
        search,
        children,
        front_door,
        partner,
        admin,
        casework,
        care,
        worklists,
        performance,
        returns,
        scrutiny,
        public,
        children_api,
        front_door_api,
        admin_api,
        casework_api,
        care_api,
        worklists_api,
        performance_api,
        returns_api,
        scrutiny_api,
    ):
        app.include_router(module.router)
    return app
