"""Pages: front_door."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
