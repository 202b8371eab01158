"""JSON API: the worklists operations, the same as the worklists pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["worklists"])
