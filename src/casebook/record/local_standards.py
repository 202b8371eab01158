"""An authority's own timescales (e.g. CIN visits every 4 weeks, not monthly).

The defaults live in :mod:`casebook.record.timescales`; this sets an override in
the ``timescale_setting`` table through the record services, so the change is
validated and has its history like any other.
"""

from __future__ import annotations

from casebook.record import services
from casebook.record.errors import Invalid
from casebook.record.models import TimescaleSetting
from casebook.record.services import Actor
from casebook.record.timescales import check_setting
from casebook.record.unit_of_work import UnitOfWork


def set_local_standard(
    uow: UnitOfWork, key: str, amount: int, unit: str, actor: Actor
) -> TimescaleSetting:
    """Create or change the authority's value for one timescale."""
    problems = check_setting(key, amount, unit)
    if problems:
        raise Invalid(problems)
    with uow:
        existing = uow.session.get(TimescaleSetting, key)
        version = existing.cb_version if existing is not None else None
    if version is None:
        return services.create(
            uow, TimescaleSetting, {"key": key, "amount": amount, "unit": unit}, actor
        )
    return services.update(
        uow, TimescaleSetting, key, {"amount": amount, "unit": unit}, version, actor
    )
