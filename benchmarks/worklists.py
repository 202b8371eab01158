"""Worklists at scale: the computation, and the page under N concurrent users.

Against an existing database (e.g. a generated authority), this

1. times the worklist computation itself (``record.worklists.worklist``, scoped
   by the access policy as the page scopes it) for a sample of teams and of
   workers, each in a new session (nothing cached), and
2. serves Casebook with uvicorn on 127.0.0.1 and has N signed-in team managers
   (of the sampled teams) each open their team's worklist, sort it, filter it
   and download it, with a pause between requests as a person reading would.

Prints one JSON line: milliseconds at p50/p95/max, rows and children per list.
All traffic stays on this machine; the run is bounded in count.

    python benchmarks/worklists.py --url sqlite:///bench/city10.db --clients 50 --requests 10
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import random
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from web_load import free_port, serve  # noqa: E402

from casebook.access import accounts  # noqa: E402
from casebook.access.models import AppUser  # noqa: E402
from casebook.access.policy import User, visible_children  # noqa: E402
from casebook.access.roles import Role  # noqa: E402
from casebook.record.db import make_engine  # noqa: E402
from casebook.record.models import Involvement  # noqa: E402
from casebook.record.services import Actor  # noqa: E402
from casebook.record.unit_of_work import UnitOfWork  # noqa: E402
from casebook.record.worklists import worklist  # noqa: E402

PASSWORD = "benchmark-password-1"
MIGRATION = ROOT / "src/casebook/migrations/versions/0008_worklists.py"


def ensure_indexes(engine) -> None:
    """A database generated before revision 0008 was filled lacks its indexes: add them."""
    spec = importlib.util.spec_from_file_location("wl_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engine.begin() as conn:
        for name, table, columns in module.INDEXES:
            conn.execute(
                text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})")
            )


def sample_teams(session: Session, on: date, teams: int, seed: int) -> list[tuple[str, int]]:
    """Teams with allocated children now (id, how many), a seeded sample of them."""
    rows = session.execute(
        select(
            Involvement.invo_professional_team, func.count(Involvement.invo_person_id.distinct())
        )
        .where(
            Involvement.cb_status == "active",
            Involvement.invo_involvement_start_date <= on,
            Involvement.invo_involvement_end_date.is_(None),
            Involvement.invo_professional_team.is_not(None),
        )
        .group_by(Involvement.invo_professional_team)
    ).all()
    rng = random.Random(seed)
    return rng.sample(sorted(rows), min(teams, len(rows)))


def sample_workers(session: Session, on: date, workers: int, seed: int) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Involvement.invo_professional_id, Involvement.invo_professional_team)
        .where(
            Involvement.cb_status == "active",
            Involvement.invo_involvement_start_date <= on,
            Involvement.invo_involvement_end_date.is_(None),
            Involvement.invo_professional_id.is_not(None),
        )
        .distinct()
    ).all()
    rng = random.Random(seed)
    return rng.sample(sorted(rows), min(workers, len(rows)))


def ms(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "p50": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
    }


def time_computation(engine, teams, workers, on: date) -> dict:
    """Each list computed in a new session, as a page request does (no cache)."""
    team_ms, team_rows, team_children = [], [], []
    for team_id, _count in teams:
        user = User("bench", Role.TEAM_MANAGER, team_id=team_id)
        with Session(engine) as s:
            start = time.perf_counter()
            found = worklist(s, on, visible_children(user, on), team_ids=[team_id])
            team_ms.append((time.perf_counter() - start) * 1000)
        team_rows.append(len(found.rows))
        team_children.append(len(found.children))
    worker_ms = []
    for prof_id, team_id in workers:
        user = User("bench", Role.SOCIAL_WORKER, team_id=team_id, professional_id=prof_id)
        with Session(engine) as s:
            start = time.perf_counter()
            worklist(s, on, visible_children(user, on), worker_id=prof_id)
            worker_ms.append((time.perf_counter() - start) * 1000)
    return {
        "team_lists": len(team_ms),
        "team_ms": ms(team_ms),
        "team_children": {"median": statistics.median(team_children), "max": max(team_children)},
        "team_rows": {"median": statistics.median(team_rows), "max": max(team_rows)},
        "worker_lists": len(worker_ms),
        "worker_ms": ms(worker_ms),
    }


def managers(engine, teams) -> list[str]:
    """A bench team manager for each sampled team (made once, kept for later runs)."""
    names = []
    with Session(engine) as s:
        for team_id, _count in teams:
            username = f"bench.tm.{team_id}".lower()
            if s.get(AppUser, username) is None:
                accounts.create_user(
                    UnitOfWork(session=s),
                    username=username,
                    display_name=f"Bench manager {team_id}",
                    role="team_manager",
                    password=PASSWORD,
                    actor=Actor("benchmark"),
                    team_id=team_id,
                )
            names.append(username)
    return names


async def sign_in(client: httpx.AsyncClient, username: str) -> None:
    page = await client.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    reply = await client.post(
        "/sign-in", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert reply.status_code == 303, reply.status_code


#: What a manager does with their list: open it, sort, filter, download.
VISITS = (
    ("open", "/worklists/team"),
    ("sort", "/worklists/team?sort=-overdue"),
    ("filter", "/worklists/team?type=visit&overdue=1"),
    ("csv", "/worklists/team?format=csv"),
)


async def one_client(client, requests: int, out: dict, seed: int, think: float) -> None:
    rng = random.Random(seed)
    if think:  # people arrive over a while, not all in the same instant
        await asyncio.sleep(rng.uniform(0, 2 * think))
    for _ in range(requests):
        for kind, path in VISITS:
            start = time.perf_counter()
            reply = await client.get(path)
            out[kind].append((time.perf_counter() - start) * 1000)
            timing = reply.headers.get("server-timing", "")
            if timing.startswith("app;dur="):
                out["app"].append(float(timing.split("=", 1)[1]))
            if reply.status_code != 200:
                out["errors"].append(f"{path}: {reply.status_code}")
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))


async def run(base: str, users: list[str], clients: int, requests: int, think: float) -> dict:
    out: dict = {kind: [] for kind, _ in VISITS} | {"errors": [], "app": []}
    sessions = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(clients)]
    try:
        await asyncio.gather(*(sign_in(c, users[i % len(users)]) for i, c in enumerate(sessions)))
        started = time.perf_counter()
        await asyncio.gather(
            *(one_client(c, requests, out, i, think) for i, c in enumerate(sessions))
        )
        out["elapsed_s"] = time.perf_counter() - started
    finally:
        for c in sessions:
            await c.aclose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--teams", type=int, default=20, help="teams sampled")
    parser.add_argument("--workers-sampled", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5, help="rounds per client")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-web", action="store_true", help="time the computation only")
    args = parser.parse_args()

    on = date.today()
    engine = make_engine(args.url)
    ensure_indexes(engine)
    with Session(engine) as s:
        teams = sample_teams(s, on, args.teams, args.seed)
        workers = sample_workers(s, on, args.workers_sampled, args.seed)
    result: dict = {"url": args.url.split("@")[-1], "as_at": on.isoformat()}
    result["computation"] = time_computation(engine, teams, workers, on)
    if not args.no_web:
        users = managers(engine, teams)
        engine.dispose()
        port = free_port()
        server = serve(args.url, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            asyncio.run(run(base, users[:2], 2, 1, 0))  # warm up
            out = asyncio.run(run(base, users, args.clients, args.requests, args.think))
        finally:
            server.terminate()
            try:
                server.wait(10)
            except Exception:  # noqa: BLE001 - make sure it is gone
                server.kill()
        every = [v for kind, _ in VISITS for v in out[kind]]
        result["web"] = {
            "clients": args.clients,
            "think_s": args.think,
            "requests": len(every),
            "requests_per_s": round(len(every) / out["elapsed_s"], 1),
            "all_ms": ms(every),
            **{f"{kind}_ms": ms(out[kind]) for kind, _ in VISITS},
            "app_ms": ms(out["app"]),
            "errors": out["errors"][:5],
            "error_count": len(out["errors"]),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
