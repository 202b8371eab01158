"""Pages: the steps of care (coming into care, placements, reviews, health,
missing, exploitation, care leavers, adoption)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
