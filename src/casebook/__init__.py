"""Casebook: one system for a local authority's children's services.

The rooms (see ``shared/ARCHITECTURE.md``): ``record`` owns the data model and
the only way to change it; ``interchange`` moves the record in and out as the
Standard Safeguarding Dataset and generates the synthetic authority; ``web``
and ``cli`` are thin entry points.
"""

__version__ = "0.1.0"
