"""JSON API: the care operations, the same as the care pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["care"])
