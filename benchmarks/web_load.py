"""Load test of the child's record and search: N concurrent clients on loopback.

Serves Casebook with uvicorn on 127.0.0.1 against an existing database (e.g.
the scale-10 authority), signs each client in as a performance officer (who may
see every child), and has every client open children's records and run name
searches for a fixed number of requests. Prints one JSON line with p50/p95 in
milliseconds. All traffic stays on this machine; the run is bounded in count.

    python benchmarks/web_load.py --url sqlite:///bench/city10.db --clients 50 --requests 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from casebook.access import accounts  # noqa: E402
from casebook.access.models import AppUser  # noqa: E402
from casebook.record.db import make_engine  # noqa: E402
from casebook.record.models import Person  # noqa: E402
from casebook.record.services import Actor  # noqa: E402
from casebook.record.unit_of_work import UnitOfWork  # noqa: E402

USER, PASSWORD = "bench.performance", "benchmark-password-1"


def prepare(url: str, sample: int) -> tuple[list[str], list[str]]:
    """A bench account, and children's ids and surnames to ask for."""
    engine = make_engine(url)
    with Session(engine) as s:
        if s.get(AppUser, USER) is None:
            accounts.create_user(
                UnitOfWork(session=s),
                username=USER,
                display_name="Bench",
                role="performance_officer",
                password=PASSWORD,
                actor=Actor("benchmark"),
            )
        rows = s.execute(
            select(Person.pers_person_id, Person.pers_surname)
            .where(Person.cb_person_type == "child")
            .limit(sample * 50)
        ).all()
    engine.dispose()
    rng = random.Random(7)
    chosen = rng.sample(rows, min(sample, len(rows)))
    return [r[0] for r in chosen], [r[1] for r in chosen if r[1]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "CASEBOOK_DATABASE_URL": url}
    app = "casebook.web.asgi:app"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )


async def sign_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    reply = await client.post(
        "/sign-in", data={"username": USER, "password": PASSWORD, "csrf_token": token}
    )
    assert reply.status_code == 303, reply.status_code


async def one_client(
    client: httpx.AsyncClient, ids, names, requests: int, out: dict, seed: int, think: float
) -> None:
    """One signed-in user: open a record, search, pause as a person reading would, repeat.

    Users start at random within their first pause, as people arrive at work,
    not all in the same millisecond (which would measure a queue of 50 first
    requests, not the service)."""
    rng = random.Random(seed)
    if think:
        await asyncio.sleep(rng.uniform(0, 2 * think))
    for _ in range(requests):
        for kind, path in (
            ("record", f"/children/{rng.choice(ids)}"),
            ("search", f"/search?name={rng.choice(names)}"),
        ):
            start = time.perf_counter()
            reply = await client.get(path)
            out[kind].append((time.perf_counter() - start) * 1000)
            timing = reply.headers.get("server-timing", "")
            if timing.startswith("app;dur="):
                out[f"{kind}_app"].append(float(timing.split("=", 1)[1]))
            if reply.status_code != 200:
                out["errors"].append(f"{path}: {reply.status_code}")
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))


async def run(base: str, ids, names, clients: int, requests: int, think: float) -> dict:
    """Every client signs in first (argon2 is slow on purpose and is not what is
    measured), then all of them work at once; ``elapsed_s`` covers the work only."""
    out: dict = {"record": [], "search": [], "errors": [], "record_app": [], "search_app": []}
    sessions = [httpx.AsyncClient(base_url=base, timeout=30) for _ in range(clients)]
    try:
        await asyncio.gather(*(sign_in(client) for client in sessions))
        started = time.perf_counter()
        await asyncio.gather(
            *(
                one_client(client, ids, names, requests, out, i, think)
                for i, client in enumerate(sessions)
            )
        )
        out["elapsed_s"] = time.perf_counter() - started
    finally:
        for client in sessions:
            await client.aclose()
    return out


def p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=20)[-1], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="per client, of each kind")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds a user pauses between requests (0: flat out)",
    )
    args = parser.parse_args()
    ids, names = prepare(args.url, 500)
    port = free_port()
    server = serve(args.url, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        asyncio.run(run(base, ids[:20], names[:20], 2, 2, 0))  # warm up
        out = asyncio.run(run(base, ids, names, args.clients, args.requests, args.think))
        elapsed = out["elapsed_s"]
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(
        json.dumps(
            {
                "url": args.url.split("@")[-1],
                "clients": args.clients,
                "think_s": args.think,
                "requests_per_s": round((len(out["record"]) + len(out["search"])) / elapsed, 1),
                "requests": len(out["record"]) + len(out["search"]),
                "record_p50_ms": round(statistics.median(out["record"]), 1),
                "record_p95_ms": p95(out["record"]),
                "search_p50_ms": round(statistics.median(out["search"]), 1),
                "search_p95_ms": p95(out["search"]),
                # Time inside Casebook (Server-Timing), without queueing for a worker.
                "record_app_p95_ms": p95(out["record_app"]),
                "search_app_p95_ms": p95(out["search_app"]),
                "errors": out["errors"][:5],
                "error_count": len(out["errors"]),
            }
        )
    )


if __name__ == "__main__":
    main()
