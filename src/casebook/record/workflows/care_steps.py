"""The steps of care, all registered: importing this module imports each care
module, whose steps register themselves (``framework.load_steps`` imports every
module of the package anyway; this names them in journey order)."""

from __future__ import annotations

from casebook.record.workflows import (
    care_entry,
    care_exploitation,
    care_leavers,
    care_missing,
    care_permanence,
    care_reviews,
)
from casebook.record.workflows.framework import Step

MODULES = (
    care_entry,
    care_reviews,
    care_missing,
    care_exploitation,
    care_leavers,
    care_permanence,
)

#: Every care step, in journey order.
CARE_STEPS: tuple[Step, ...] = tuple(s for module in MODULES for s in module.STEPS)
