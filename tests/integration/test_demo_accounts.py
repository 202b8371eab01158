"""The demo has one account per role, tied to the synthetic authority."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access import accounts
from casebook.access.demo import DEMO_ACCOUNTS, create_demo_accounts
from casebook.access.models import AppUser
from casebook.access.policy import visible_children
from casebook.access.roles import Role
from casebook.interchange.synthetic import generate
from casebook.record.models import Person


def test_every_role_has_a_demo_account_that_signs_in(fresh_engine):
    as_at = date(2025, 3, 31)
    generate(fresh_engine, scale=0.02, seed=3, as_at=as_at)
    with Session(fresh_engine) as s:
        made = create_demo_accounts(s)
        assert sorted(made) == sorted(DEMO_ACCOUNTS)
        assert create_demo_accounts(s) == []  # idempotent
        roles = {u.role for u in s.scalars(select(AppUser))}
        assert roles == {r.value for r in Role}
        for username, (_, password) in DEMO_ACCOUNTS.items():
            assert accounts.sign_in(s, username, password, accounts.now()).token, username
        for username in (
            "demo.socialworker",
            "demo.manager",
            "demo.head",
            "demo.auditor",
            "demo.performance",
        ):
            user = accounts.as_policy_user(s, s.get(AppUser, username))
            seen = s.scalar(
                select(Person.pers_person_id).where(visible_children(user, as_at)).limit(1)
            )
            assert seen is not None, f"{username} sees no child"
        mash = accounts.as_policy_user(s, s.get(AppUser, "demo.mash"))
        assert mash.front_door
