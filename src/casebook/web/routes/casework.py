"""Pages: the social-work steps of a child's journey (referral to child
protection, CIN, visits, early help, closure) and management oversight."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
