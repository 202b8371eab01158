"""Pages: scrutiny for officers and members - bodies, meetings, agendas,
reports, minutes, actions, work programme."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
