"""The DfE's CIN census validation rules, declared once each, split by module.

Importing this package registers every rule in :data:`RULES`.
"""

from . import assessments, details, header, identifiers, plans, protection  # noqa: F401
from .book import RULES

__all__ = ["RULES"]
