"""Pages: my children, my team, allocation and the daily missing briefing;
local standards settings."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
