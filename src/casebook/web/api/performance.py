"""JSON API: the performance operations, the same as the performance pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["performance"])
