"""Name search keys on ssd_person: cb_surname_key and cb_forename_key, indexed with
the date of birth, and an index on the date of birth alone.

Revision ID: 0004
Revises: 0003

The keys of people already in the record are worked out here in Python
(:func:`casebook.record.names.keys_for`), a batch at a time, so a city's record
is filled without holding every name in memory. From here on the ORM event on
``Person`` and the bulk loader keep them filled. A change to the key algorithm
needs a migration of its own that fills them again the same way.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casebook.record.names import keys_for

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000


def upgrade() -> None:
    with op.batch_alter_table("ssd_person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cb_surname_key", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("cb_forename_key", sa.String(), nullable=True))
        batch_op.create_index(
            "ix_ssd_person_name_keys", ["cb_surname_key", "cb_forename_key", "pers_dob"]
        )
        batch_op.create_index("ix_ssd_person_pers_dob", ["pers_dob"])
    fill_keys(op.get_bind())


def fill_keys(conn: sa.Connection, batch: int = BATCH) -> int:
    """Work out the keys of every person, ``batch`` people at a time; return how many."""
    person = sa.table(
        "ssd_person",
        sa.column("pers_person_id", sa.String),
        sa.column("pers_forename", sa.String),
        sa.column("pers_surname", sa.String),
        sa.column("cb_surname_key", sa.String),
        sa.column("cb_forename_key", sa.String),
    )
    write = (
        sa.update(person)
        .where(person.c.pers_person_id == sa.bindparam("b_id"))
        .values(
            cb_surname_key=sa.bindparam("b_surname"), cb_forename_key=sa.bindparam("b_forename")
        )
    )
    done = 0
    last: str | None = None
    while True:
        read = (
            sa.select(person.c.pers_person_id, person.c.pers_forename, person.c.pers_surname)
            .order_by(person.c.pers_person_id)
            .limit(batch)
        )
        if last is not None:
            read = read.where(person.c.pers_person_id > last)
        rows = conn.execute(read).all()
        if not rows:
            return done
        values = []
        for person_id, forename, surname in rows:
            surname_key, forename_key = keys_for(forename, surname)
            values.append({"b_id": person_id, "b_surname": surname_key, "b_forename": forename_key})
        conn.execute(write, values)
        done += len(rows)
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("ssd_person", schema=None) as batch_op:
        batch_op.drop_index("ix_ssd_person_pers_dob")
        batch_op.drop_index("ix_ssd_person_name_keys")
        batch_op.drop_column("cb_forename_key")
        batch_op.drop_column("cb_surname_key")
