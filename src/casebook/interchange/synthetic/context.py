"""What every part of the simulation shares while it writes one chunk of the city."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from casebook.interchange.synthetic.days import Calendar
from casebook.interchange.synthetic.rows import LAYOUT, Batch
from casebook.interchange.synthetic.workforce import Workforce

#: The phase of a case still open on the ``as_at`` date.
OPEN = "open"


@dataclass(frozen=True)
class City:
    """Fixed for the whole run: the calendar, the dates that bound it, the workforce."""

    cal: Calendar
    as_at: int
    window_start: int
    workforce: Workforce


class Chunk:
    """One chunk's random stream, rows, and the detail waiting to be written.

    Detail that is costly to generate (visits, health checks, allocations) is
    *deferred*: a piece of a child's history that ended before the six-year
    window is simulated (so later events know it happened) but then dropped,
    and its detail is never generated at all.

    ``detail`` is a second random stream for the detail the journeys do not
    depend on (authorisations, early help assessments and Outcome Stars, MACE
    meetings): drawing from it leaves the journeys themselves as they were.
    """

    __slots__ = (
        "city", "cal", "as_at", "window_start", "wf", "batch", "rng", "detail", "_jobs",
    )  # fmt: skip

    def __init__(self, city: City, batch: Batch, rng: Random, detail: Random | None = None) -> None:
        self.city = city
        self.cal = city.cal
        self.as_at = city.as_at
        self.window_start = city.window_start
        self.wf = city.workforce
        self.batch = batch
        self.rng = rng
        self.detail = detail if detail is not None else rng
        self._jobs: list[tuple[Callable[..., object], tuple]] = []

    def defer(self, job: Callable[..., object], *args: object) -> None:
        self._jobs.append((job, args))

    def mark(self) -> tuple[list[int], int]:
        """Where the rows and deferred jobs stand, to keep or roll back what follows."""
        rows = self.batch.rows
        return [len(rows[name]) for name in LAYOUT], len(self._jobs)

    def settle(self, mark: tuple[list[int], int], end: int | None) -> bool:
        """Keep what was written since ``mark`` if it reaches into the window
        (``end`` is ``None`` for what is still open at ``as_at``); else drop it."""
        lengths, njobs = mark
        jobs = self._jobs[njobs:]
        del self._jobs[njobs:]
        if end is not None and end < self.window_start:
            rows = self.batch.rows
            for name, n in zip(LAYOUT, lengths, strict=True):
                del rows[name][n:]
            return False
        for job, args in jobs:
            job(*args)
        return True
