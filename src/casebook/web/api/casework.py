"""JSON API: the casework operations, the same as the casework pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["casework"])
