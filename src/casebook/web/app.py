"""The web application. For now a single page that shows the authority is there;
the child's record in the browser arrives with its own issue."""

from __future__ import annotations

from datetime import date

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine

from casebook import __version__
from casebook.record.db import session_factory
from casebook.record.summary import authority_summary

templates = Environment(
    loader=PackageLoader("casebook.web", "templates"), autoescape=select_autoescape()
)


def create_app(engine: Engine) -> FastAPI:
    """Build the app around one engine, made once by the entry point."""
    app = FastAPI(title="Casebook", version=__version__)
    sessions = session_factory(engine)

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        today = date.today()
        with sessions() as session:
            summary = authority_summary(session, today)
        return templates.get_template("home.html").render(summary=summary, today=today)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
