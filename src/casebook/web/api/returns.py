"""JSON API: the returns operations, the same as the returns pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["returns"])
