"""JSON API: the scrutiny operations, the same as the scrutiny pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["scrutiny"])
