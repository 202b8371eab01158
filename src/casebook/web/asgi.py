"""ASGI entry point for running Casebook under uvicorn with several workers
(``uvicorn casebook.web.asgi:app --factory``): each worker makes its own engine."""

from __future__ import annotations

from fastapi import FastAPI

from casebook.record.db import make_engine
from casebook.settings import get_settings
from casebook.web.app import create_app


def app() -> FastAPI:
    return create_app(make_engine(get_settings().url))
