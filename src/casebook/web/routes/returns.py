"""Pages: the statutory returns - export, download, validate, errors by rule."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
