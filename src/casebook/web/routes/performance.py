"""Pages: the scorecard, drill-down, drift dashboards, data quality and board packs."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
