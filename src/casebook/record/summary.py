"""A few headline counts of the record, for the placeholder home page and `casebook status`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.record.models import CinPlan, ClaEpisode, CpPlan, Person
from casebook.record.models.base import ACTIVE
from casebook.record.periods import open_on


@dataclass(frozen=True)
class AuthoritySummary:
    children: int
    on_cin_plans: int
    on_cp_plans: int
    looked_after: int


def authority_summary(session: Session, on: date) -> AuthoritySummary:
    """Children in the record and how many are on plans or looked after on ``on``."""

    def count(stmt) -> int:
        return session.scalar(stmt) or 0

    return AuthoritySummary(
        children=count(
            select(func.count()).where(Person.cb_person_type == "child", Person.cb_status == ACTIVE)
        ),
        on_cin_plans=count(
            select(func.count(func.distinct(CinPlan.cinp_person_id))).where(
                CinPlan.cb_status == ACTIVE,
                open_on(CinPlan.cinp_cin_plan_start_date, CinPlan.cinp_cin_plan_end_date, on),
            )
        ),
        on_cp_plans=count(
            select(func.count(func.distinct(CpPlan.cppl_person_id))).where(
                CpPlan.cb_status == ACTIVE,
                open_on(CpPlan.cppl_cp_plan_start_date, CpPlan.cppl_cp_plan_end_date, on),
            )
        ),
        looked_after=count(
            select(func.count(func.distinct(ClaEpisode.clae_person_id))).where(
                ClaEpisode.cb_status == ACTIVE,
                open_on(
                    ClaEpisode.clae_cla_episode_start_date,
                    ClaEpisode.clae_cla_episode_ceased_date,
                    on,
                ),
            )
        ),
    )
