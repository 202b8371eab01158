"""The DfE's SSDA903 validation rules, one module per table (importing each
registers its rules in :data:`RULES_903`)."""

from __future__ import annotations

from . import adoption, episodes, header, leavers, missing, other, outcomes  # noqa: F401
from .book import RULES_903

__all__ = ["RULES_903"]
