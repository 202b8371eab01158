"""Whatever is sent to the JSON API, it never answers 500.

Every GET and POST route under ``/api`` in the app's OpenAPI description gets
generated requests - path ids of any text (NUL and unicode included), query
values and JSON bodies of the wrong types, odd dates, huge numbers, nulls,
unknown fields, broken JSON - from a signed-in social worker in a front door
team (who may use most of the API), with the CSRF header. Any 2xx, 3xx or 4xx
answer is fine; a 500, or an exception escaping the app, fails.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.db import make_engine
from casebook.record.models import Department, Person
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.settings import Settings
from casebook.web.app import create_app
from tests.e2e.webkit import csrf_from, make_user, signed_in

EXAMPLES = 60
SETUP = Actor("test-setup")


def _api_operations() -> tuple[dict, dict[str, dict]]:
    """The OpenAPI description and its /api GET and POST operations, by "METHOD path"."""
    spec = create_app(make_engine("sqlite:///:memory:"), Settings()).openapi()
    operations = {
        f"{method.upper()} {path}": operation
        for path, methods in spec["paths"].items()
        if path.startswith("/api/")
        for method, operation in methods.items()
        if method in ("get", "post")
    }
    return spec, operations


SPEC, OPERATIONS = _api_operations()


# --------------------------------------------------------------------------- strategies

TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
NASTY = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "NUL\x00", "%00", "'; drop table ssd_person; --", "😀", "İ",
     "ß" * 50, "../../etc", "\u202e", "x" * 5000, "null", "[]", "{}"]
)  # fmt: skip
ODD_DATES = st.sampled_from(
    ["2025-02-30", "2025-02-29", "2024-02-29", "0001-01-01", "0001-01-05", "9999-12-31",
     "1899-12-31", "1900-01-01", "2024-13-01", "2025-00-10", "20250101", "2025-1-1",
     "-2025-01-01", "2025-01-01T25:00:00", "today", date.today().isoformat()]
)  # fmt: skip
DATES = st.one_of(
    ODD_DATES,
    st.dates(date(2000, 1, 1), date.today()).map(date.isoformat),
    st.dates().map(date.isoformat),
)
#: Codes and words the API knows, so that some requests get past the first check.
KNOWN = st.sampled_from(
    ["F", "M", "U", "WBRI", "NOBT", "2A", "N1", "REFERRAL", "STRATEGY", "NFA", "EARLY_HELP",
     "case_note", "oversight", "Wren", "Halloway", "Wren Halloway", "social_worker"]
)  # fmt: skip
STRINGS = st.one_of(TEXT, NASTY, DATES, KNOWN)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, STRINGS)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=6,
)


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = SPEC["components"]["schemas"][name]
    return schema


def _plausible(schema: dict, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of roughly the schema's type (often wrong in detail), or anything at all."""
    schema = _resolve(schema)
    choices = [_resolve(s) for s in schema.get("anyOf", [])] or [schema]
    typed = []
    for choice in choices:
        kind = choice.get("type")
        if "enum" in choice:
            typed.append(st.sampled_from(choice["enum"]))
        elif choice.get("format") == "date":
            typed.append(DATES)
        elif kind == "string":
            typed.append(STRINGS)
        elif kind == "boolean":
            typed.append(st.booleans())
        elif kind in ("integer", "number"):
            typed.append(NUMBERS)
        elif kind == "array" and depth < 2:
            typed.append(st.lists(_plausible(choice.get("items", {}), depth + 1), max_size=3))
        elif kind == "object" and depth < 2:
            typed.append(_body(choice, depth + 1))
    return st.one_of(*typed, JSON) if typed else JSON


def _body(schema: dict, depth: int = 0) -> st.SearchStrategy[Any]:
    """An object with the schema's fields (often all the required ones, some wrong, some
    left out) and sometimes fields it does not know."""
    schema = _resolve(schema)
    properties = {n: _plausible(p, depth) for n, p in schema.get("properties", {}).items()}
    required = {n: v for n, v in properties.items() if n in schema.get("required", ())}
    optional = {n: v for n, v in properties.items() if n not in required}
    fields = st.one_of(
        st.fixed_dictionaries(required, optional=optional),
        st.fixed_dictionaries({}, optional=properties),
    )
    extra = st.one_of(st.just({}), st.dictionaries(TEXT, JSON, min_size=1, max_size=2))
    return st.builds(lambda f, e: {**e, **f}, fields, extra)


#: A body each POST route accepts, so that fuzzing one field at a time reaches the record
#: ("{person_id}" is the known child). A route without one is fuzzed from its schema alone.
SEEDS: dict[str, dict[str, Any]] = {
    "POST /api/children": {"forename": "Wren", "surname": "Halloway", "dob": "2016-05-04",
                           "sex": "F", "ethnicity": "WBRI"},
    "POST /api/children/{person_id}/notes": {"text": "Seen at home.", "note_type": "case_note"},
    "POST /api/contacts": {"person_id": "{person_id}", "contact_date": date.today().isoformat(),
                           "source_code": "2A", "who": "School", "concerns": "Hungry."},
    "POST /api/contacts/{contact_id}/decision": {"decision": "NFA", "reason": "Below threshold.",
                                                 "expected_version": 1},
    "POST /api/contacts/{contact_id}/partner-requests": {"partner_username": "police",
                                                         "question": "Known to you?"},
    "POST /api/partner-requests/{request_id}/contributions": {"text": "Two call-outs."},
}  # fmt: skip


def _mutated(seed: dict[str, Any], schema: dict) -> st.SearchStrategy[dict[str, Any]]:
    """The seed as it is, with one field changed to anything, or with one field left out."""
    properties = _resolve(schema).get("properties", {})
    names = sorted(set(properties) | set(seed))
    changed = st.sampled_from(names).flatmap(
        lambda name: _plausible(properties.get(name, {})).map(lambda v: {**seed, name: v})
    )
    dropped = st.sampled_from(sorted(seed)).map(
        lambda name: {k: v for k, v in seed.items() if k != name}
    )
    return st.one_of(st.just(seed), changed, changed, dropped)


def _query(operation: dict) -> st.SearchStrategy[dict[str, Any]]:
    values = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        schema = _resolve(parameter.get("schema", {}))
        one = st.one_of(STRINGS, NUMBERS.map(str))
        is_list = any(_resolve(s).get("type") == "array" for s in schema.get("anyOf", [schema]))
        values[parameter["name"]] = st.lists(one, min_size=1, max_size=3) if is_list else one
    return st.fixed_dictionaries({}, optional=values)


def _request(
    method: str, path: str, operation: dict, known: dict[str, str]
) -> st.SearchStrategy[dict[str, Any]]:
    """A request to the operation; a path id is often one the worker may open (``known``)."""
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]

    def path_value(name: str) -> st.SearchStrategy[str]:
        if name in known:
            return st.one_of(st.just(known[name]), st.just(known[name]), TEXT, NASTY)
        return st.one_of(TEXT, NASTY)

    parts: dict[str, st.SearchStrategy] = {
        "path": st.fixed_dictionaries({name: path_value(name) for name in names}),
        "query": _query(operation),
    }
    if method == "POST":
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        seed = {
            field: known.get(value.strip("{}"), value) if isinstance(value, str) else value
            for field, value in SEEDS.get(f"{method} {path}", {}).items()
        }
        parts["body"] = st.one_of(
            *([_mutated(seed, schema).map(lambda b: json.dumps(b).encode())] if seed else []),
            _body(schema).map(lambda b: json.dumps(b).encode()),
            JSON.map(lambda b: json.dumps(b).encode()),
            st.binary(max_size=40),  # not JSON at all
        )
    return st.fixed_dictionaries(parts)


def _url(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


# --------------------------------------------------------------------------- the test


def _mash_worker(engine) -> str:
    team_id = f"MASH-{uuid.uuid4().hex[:8]}"
    with Session(engine) as s:
        services.create(
            UnitOfWork(session=s),
            Department,
            {"dept_team_id": team_id, "dept_team_name": "MASH", "cb_front_door": "Y"},
            SETUP,
        )
    return make_user(engine, "social_worker", team_id=team_id)


def _known_ids(engine, client: TestClient, headers: dict[str, str]) -> dict[str, str]:
    """A child the worker may open (named in their contact) and that contact, by path name."""
    person_id = f"FUZ-{uuid.uuid4().hex[:10]}"
    with Session(engine) as s:
        services.create(
            UnitOfWork(session=s),
            Person,
            {"pers_person_id": person_id, "pers_forename": "Wren", "pers_surname": "Halloway"},
            SETUP,
        )
    contact = client.post(
        "/api/contacts",
        json={
            "person_id": person_id,
            "contact_date": date.today().isoformat(),
            "source_code": "2A",
            "who": "School",
            "concerns": "Hungry.",
        },
        headers=headers,
    )
    assert contact.status_code == 201, contact.text
    return {"person_id": person_id, "contact_id": contact.json()["contact_id"]}


def test_the_fuzz_covers_every_api_route():
    paths = {key.split(" ", 1)[1] for key in OPERATIONS}
    assert {
        "/api/children/search",
        "/api/children",
        "/api/children/{person_id}",
        "/api/children/{person_id}/chronology",
        "/api/children/{person_id}/notes",
        "/api/contacts",
    } <= paths
    assert all(key.startswith(("GET ", "POST ")) for key in OPERATIONS)


@dataclass(frozen=True)
class Caller:
    """The signed-in front door worker, their CSRF header and the ids they may open."""

    client: TestClient
    headers: dict[str, str]
    known: dict[str, str]


@pytest.fixture(scope="module")
def caller(engine) -> Caller:
    """One worker per database for every route (signing in is slow on purpose)."""
    client = signed_in(engine, _mash_worker(engine))
    headers = {"X-CSRF-Token": csrf_from(client.get("/").text)}
    return Caller(client, headers, _known_ids(engine, client, headers))


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_no_api_route_answers_500(caller: Caller, key: str):
    method, path = key.split(" ", 1)
    client, headers = caller.client, caller.headers

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(request=_request(method, path, OPERATIONS[key], caller.known))
    def check(request: dict[str, Any]) -> None:
        reply = client.request(
            method,
            _url(path, request["path"]),
            params=request["query"],
            content=request.get("body"),
            headers={**headers, "content-type": "application/json"},
        )
        assert reply.status_code < 500, (reply.status_code, reply.text[:500])

    check()
