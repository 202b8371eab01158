"""The service: teams in a hierarchy, the professionals in them, and who gets a case.

Teams are sized from the number of children each kind of team holds at any one
time in the simulated city, so that allocating each new case to a worker at
random (weighted by their hours) leaves social workers with the 15-20 children
the sample papers describe. The actual caseloads are counted from the
allocations as generated and written into ``prof_professional_caseload``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from random import Random

from casebook.interchange.synthetic import names
from casebook.interchange.synthetic.rates import Mix

#: Children each kind of team holds at any one time, at scale 1, and the
#: caseload its workers are sized for.
TEAM_LOAD: dict[str, tuple[float, float]] = {
    "mash": (60, 12),
    "assess": (290, 17),
    "locality": (1280, 17.5),
    "cic": (600, 16.5),
    "leaving": (400, 20),
    "early_help": (640, 19),
    "iro": (1000, 62),
    "exploitation": (0, 0),
    "adoption": (0, 0),
}

#: The role each kind of team's workers take in ``ssd_involvements``.
ROLE = {
    "mash": "Duty social worker",
    "assess": "Allocated social worker",
    "locality": "Allocated social worker",
    "cic": "Allocated social worker",
    "leaving": "Personal adviser",
    "iro": "Independent reviewing officer",
}

WORKER_TITLE = {
    "leaving": "Personal Adviser",
    "early_help": "Early Help Practitioner",
    "iro": "Independent Reviewing Officer",
    "exploitation": "Exploitation Practitioner",
    "adoption": "Adoption Social Worker",
}


def username(name: str) -> str:
    """A sign-in name from a worker's name: ``Ann Ash-Lee`` -> ``ann.ashlee``."""
    return ".".join("".join(ch for ch in part if ch.isalnum()) for part in name.lower().split())


@dataclass
class Team:
    team_id: str
    name: str
    kind: str
    parent_id: str
    parent_name: str
    locality: int | None = None
    workers: list[tuple[str, float]] = field(default_factory=list)  # (id, fte)


class Workforce:
    """Every team and worker, and the choice of worker for a new piece of work."""

    def __init__(self, scale: float, rng: Random) -> None:
        self.departments: list[tuple] = []
        self.professionals: list[list] = []  # caseload (index 5) filled in at the end
        self.names: dict[str, str] = {}
        self.teams: list[Team] = []
        self.team_names: dict[str, str] = {}
        #: team -> the username its Team Manager authorises assessments and plans as.
        self.managers: dict[str, str] = {}
        self._pickers: dict[tuple[str, int | None], Mix[tuple[str, str]]] = {}
        self.caseload: Counter[str] = Counter()
        self._rng = rng
        self._build(scale)

    # ------------------------------------------------------------------ structure

    def _dept(
        self, team_id: str, name: str, parent: tuple[str, str] | None, front_door: bool = False
    ) -> tuple[str, str]:
        self.departments.append(
            (
                team_id,
                name,
                parent[0] if parent else None,
                parent[1] if parent else None,
                "Y" if front_door else "N",
            )
        )
        return team_id, name

    def _build(self, scale: float) -> None:
        root = self._dept("D000", f"{names.CITY} Children's Services", None)
        services = {
            "front": self._dept("D010", "Front Door Service", root),
            "assess": self._dept("D020", "Assessment Service", root),
            "safeguarding": self._dept("D030", "Safeguarding and Family Support", root),
            "cic": self._dept("D040", "Children in Care Service", root),
            "leaving": self._dept("D050", "Care Leavers Service", root),
            "early_help": self._dept("D060", "Early Help Service", root),
            "qa": self._dept("D070", "Safeguarding and Quality Assurance", root),
        }
        for service_id, _ in services.values():
            self._worker(service_id, "Head of Service", fte=1.0, caseload_kind=None)

        def teams_for(
            kind: str,
            label: str,
            parent: tuple[str, str],
            per_team: int = 7,
            locality: int | None = None,
            share: float = 1.0,
        ) -> None:
            load, caseload = TEAM_LOAD[kind]
            workers = max(1, round(load * share * scale / caseload)) if caseload else 0
            if kind in ("exploitation", "adoption"):
                workers = max(1, round(6 * scale))
            n_teams = max(1, math.ceil(workers / per_team))
            for t in range(n_teams):
                suffix = f" {t + 1}" if n_teams > 1 else ""
                team = Team(
                    f"T{len(self.teams) + 1:03d}",
                    f"{label}{suffix}",
                    kind,
                    parent[0],
                    parent[1],
                    locality,
                )
                self.teams.append(team)
                self.team_names[team.team_id] = team.name
                self._dept(team.team_id, team.name, parent, front_door=kind == "mash")
                manager = self._worker(team.team_id, "Team Manager", fte=1.0, caseload_kind=None)
                self.managers[team.team_id] = username(self.names[manager])
                size = workers // n_teams + (1 if t < workers % n_teams else 0)
                for _ in range(max(1, size)):
                    fte = 1.0 if self._rng.random() < 0.8 else self._rng.choice((0.6, 0.8, 0.9))
                    pid = self._worker(team.team_id, self._title(kind), fte, caseload_kind=kind)
                    team.workers.append((pid, fte))

        teams_for("mash", "Front Door (MASH)", services["front"], per_team=10)
        teams_for("assess", "Assessment Team", services["assess"])
        n_loc = len(names.LOCALITIES)
        for i, loc in enumerate(names.LOCALITIES):
            parent = self._dept(f"D03{i + 1}", f"{loc} Locality", services["safeguarding"])
            teams_for("locality", f"{loc} Safeguarding Team", parent, locality=i, share=1 / n_loc)
        teams_for("cic", "Children in Care Team", services["cic"])
        teams_for("adoption", "Adoption and Permanence Team", services["cic"])
        teams_for("leaving", "Leaving Care Team", services["leaving"], per_team=9)
        for i, loc in enumerate(names.LOCALITIES):
            teams_for(
                "early_help",
                f"{loc} Early Help Hub",
                services["early_help"],
                locality=i,
                share=1 / n_loc,
            )
        teams_for("iro", "Independent Reviewing Service", services["qa"], per_team=12)
        teams_for("exploitation", "Contextual Safeguarding Team", services["qa"])

        pairs: dict[tuple[str, int | None], list[tuple[tuple[str, str], float]]] = {}
        for team in self.teams:
            members = [((team.team_id, w), fte) for w, fte in team.workers]
            pairs.setdefault((team.kind, team.locality), []).extend(members)
            if team.locality is not None:  # any locality's team will do when none is given
                pairs.setdefault((team.kind, None), []).extend(members)
        self._pickers = {key: Mix(members) for key, members in pairs.items()}

    def _title(self, kind: str) -> str:
        if kind in WORKER_TITLE:
            return WORKER_TITLE[kind]
        r = self._rng.random()
        if r < 0.12:
            return "Advanced Practitioner"
        if r < 0.35:
            return "Senior Social Worker"
        if r < 0.5:
            return "Newly Qualified Social Worker (ASYE)"
        return "Social Worker"

    def _worker(self, team_id: str, title: str, fte: float, caseload_kind: str | None) -> str:
        rng = self._rng
        n = len(self.professionals) + 1
        pid = f"PRF{n:05d}"
        sex = "F" if rng.random() < 0.8 else "M"
        name = f"{names.forename(rng, sex, adult=True)} {names.surname(rng)}"
        registered = "Social Worker" in title or title in (
            "Team Manager",
            "Advanced Practitioner",
            "Independent Reviewing Officer",
            "Adoption Social Worker",
            "Head of Service",
        )
        agency = caseload_kind in ("assess", "locality", "cic", "mash") and rng.random() < 0.14
        self.professionals.append(
            [
                pid,
                f"E{100000 + n}",
                name,
                f"SW{rng.randint(10000, 99999):06d}" if registered else None,
                title,
                0,
                team_id,
                fte,
                "Y" if agency else "N",
            ]
        )
        self.names[pid] = name
        return pid

    # ------------------------------------------------------------------ allocation

    def pick(self, kind: str, rng: Random, locality: int | None = None) -> tuple[str, str]:
        """A (team, worker) for new work of this kind, in the child's locality if it has one."""
        picker = self._pickers.get((kind, locality)) or self._pickers[(kind, None)]
        return picker.pick(rng)

    def hold(self, worker: str) -> None:
        """Count a child ``worker`` still holds on the ``as_at`` date."""
        self.caseload[worker] += 1

    def department_rows(self) -> list[tuple]:
        return list(self.departments)

    def professional_rows(self) -> list[tuple]:
        """Professionals with the caseloads counted so far (open allocations at ``as_at``)."""
        return [
            tuple(p[:5]) + (self.caseload.get(p[0], 0),) + tuple(p[6:]) for p in self.professionals
        ]
