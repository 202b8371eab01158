"""Pages anyone may read without signing in: published agendas, reports,
minutes, resolution status and the meetings calendar. Exempt (Part 2) items
never appear here."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
