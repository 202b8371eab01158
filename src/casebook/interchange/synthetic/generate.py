"""The driver: build the workforce, then the city chunk by chunk, in one transaction.

Memory stays flat whatever the scale because only one chunk of families (and
their whole histories) is held at a time; the same ``(seed, scale, as_at)``
always writes the same database because each chunk draws from its own
``random.Random``, seeded from a digest of the seed and the chunk number,
never from the global generator or from ``hash()``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import date
from random import Random

from sqlalchemy import Engine, func, select, text

from casebook.interchange.bulk import insert_rows, refresh_statistics
from casebook.interchange.synthetic import rates
from casebook.interchange.synthetic.context import Chunk, City
from casebook.interchange.synthetic.days import YEAR, Calendar, add_months
from casebook.interchange.synthetic.journeys import Journey
from casebook.interchange.synthetic.population import BIRTH_YEARS, MARGIN_YEARS, Population
from casebook.interchange.synthetic.rows import LAYOUT, WORKFORCE_LAYOUT, Batch
from casebook.interchange.synthetic.workforce import Workforce
from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import Invalid, Problem
from casebook.record.models import BankHoliday, Base
from casebook.record.models.base import ACTIVE
from casebook.record.models.people import Person

#: Children aged 0-17 on the ``as_at`` date at scale 1.
CHILDREN = 61_000
#: Years of history, ending at ``as_at``.
WINDOW_YEARS = 6
#: Families drawn per chunk: small enough to keep memory flat, big enough to be fast.
FAMILIES_PER_CHUNK = 1_500

ProgressFn = Callable[[int, int], None]


def _rng(seed: int, key: object) -> Random:
    digest = hashlib.sha256(f"casebook-synthetic/{seed}/{key}".encode()).digest()
    return Random(int.from_bytes(digest[:8], "big"))


def family_count(scale: float) -> int:
    """Families to draw so that about ``CHILDREN * scale`` are 0-17 on ``as_at``."""
    mean_size = rates.FAMILY_SIZE.mean()
    kept = BIRTH_YEARS / (BIRTH_YEARS + 2 * MARGIN_YEARS)
    return max(1, round(CHILDREN * scale * BIRTH_YEARS / 18 / (mean_size * kept)))


def generate(
    engine: Engine,
    scale: float = 1.0,
    seed: int = 1,
    as_at: date | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, int]:
    """Fill an empty Casebook database with a fictional city's six years of children's services.

    Returns the rows written per table. Refuses (``Invalid``) a database that
    already holds children: the synthetic city is for demonstrations, tests and
    benchmarks, never to be mixed into real records.
    """
    if not scale > 0:
        raise Invalid([Problem("scale", "must be greater than 0")])
    as_at = as_at or date.today()
    end = as_at.toordinal()
    start = add_months(end, -12 * WINDOW_YEARS)
    families = family_count(scale)
    chunks = max(1, math.ceil(families / FAMILIES_PER_CHUNK))
    uasc_total = rates.UASC_PER_YEAR * (WINDOW_YEARS + 2) * scale
    tables = Base.metadata.tables
    counts: dict[str, int] = {}

    with engine.begin() as conn:
        held = conn.execute(
            select(func.count()).select_from(Person).where(Person.cb_person_type == "child")
        ).scalar_one()
        if held:
            raise Invalid(
                [
                    Problem(
                        "ssd_person",
                        f"the database already holds {held} {'child' if held == 1 else 'children'}"
                        "; generate the synthetic authority into an empty database",
                    )
                ]
            )
        holidays = conn.execute(
            select(BankHoliday.holiday_date).where(BankHoliday.cb_status == ACTIVE)
        ).scalars()
        cal = Calendar(end - round(25 * YEAR), end + 3 * 366, WorkingCalendar(holidays))
        workforce = Workforce(scale, _rng(seed, "workforce"))
        city = City(cal=cal, as_at=end, window_start=start, workforce=workforce)
        population = Population(cal, end, start)

        insert_rows(
            conn,
            tables["ssd_department"],
            WORKFORCE_LAYOUT["ssd_department"],
            workforce.department_rows(),
        )
        insert_rows(
            conn,
            tables["ssd_professionals"],
            WORKFORCE_LAYOUT["ssd_professionals"],
            workforce.professional_rows(),
        )

        for chunk in range(chunks):
            rng = _rng(seed, chunk)
            batch = Batch(chunk)
            ctx = Chunk(city, batch, rng, _rng(seed, f"detail/{chunk}"))
            n = min(FAMILIES_PER_CHUNK, families - chunk * FAMILIES_PER_CHUNK)
            children = population.families(batch, rng, n)
            share = uasc_total / chunks
            arrivals = int(share) + (rng.random() < share - int(share))
            children += population.asylum_seekers(batch, rng, arrivals)
            journey = Journey(ctx)
            for child in children:
                journey.live(child)
            for name, columns in LAYOUT.items():
                rows = batch.rows[name]
                if rows:
                    counts[name] = counts.get(name, 0) + insert_rows(
                        conn, tables[name], columns, rows
                    )
            del batch, ctx, journey, children
            if progress is not None:
                progress(chunk + 1, chunks)

        loads = [{"c": c, "p": p} for p, c in sorted(workforce.caseload.items())]
        if loads:
            conn.execute(
                text(
                    "UPDATE ssd_professionals SET prof_professional_caseload = :c "
                    "WHERE prof_professional_id = :p"
                ),
                loads,
            )
    counts["ssd_department"] = len(workforce.departments)
    counts["ssd_professionals"] = len(workforce.professionals)
    refresh_statistics(engine)
    return dict(sorted(counts.items()))
