"""The returns pages and JSON API: download, upload and validate, errors by rule
and by team down to the child and field; only the performance officer."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from openpyxl import load_workbook

from casebook.returns.ssda903.spec import COLUMNS
from casebook.web.routes import returns as returns_routes
from tests.e2e.webkit import csrf_from, make_user, signed_in
from tests.integration.test_returns_903_roundtrip import write_return
from tests.unit.test_returns_903_rules import tables


def _csv_files(t: dict) -> list[tuple[str, bytes, str]]:
    out = []
    for name, rows in t.items():
        lines = [",".join(COLUMNS[name])]
        lines += [",".join(r.get(c, "") for c in COLUMNS[name]) for r in rows]
        out.append(("files", (f"{name}.csv", ("\n".join(lines) + "\n").encode(), "text/csv")))
    return out


def _renamed(prefix: str) -> dict:
    t = tables()
    for rows in t.values():
        for r in rows:
            r["CHILD"] = prefix + r["CHILD"]
    return t


@pytest.fixture(scope="module")
def officer(engine):
    return signed_in(engine, make_user(engine, "performance_officer"))


def test_only_the_performance_officer_sees_returns(engine, officer) -> None:
    assert officer.get("/returns").status_code == 200
    worker = signed_in(engine, make_user(engine, "social_worker"))
    assert worker.get("/returns").status_code == 403
    assert worker.get("/api/returns/rules").status_code == 403


def test_upload_shows_errors_by_rule(officer) -> None:
    t = tables()
    t["Episodes"][4]["RNE"] = "X"
    page = officer.get("/returns")
    reply = officer.post(
        "/returns/validate",
        data={"csrf_token": csrf_from(page.text), "for_year": "2025", "output": "html"},
        files=_csv_files(t),
    )
    assert reply.status_code == 200, reply.text
    assert "SSDA903 2025: 1 error" in reply.text
    assert "The reason for new episode code is not a valid code." in reply.text
    assert 'id="rule-143"' in reply.text


def test_upload_downloads_the_errors_as_excel(officer) -> None:
    t = tables()
    t["Header"][1]["ETHNIC"] = "XXXX"
    page = officer.get("/returns")
    reply = officer.post(
        "/returns/validate",
        data={"csrf_token": csrf_from(page.text), "for_year": "2025", "output": "xlsx"},
        files=_csv_files(t),
    )
    assert reply.status_code == 200
    assert "attachment" in reply.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(reply.content))["Errors"].iter_rows(values_only=True))
    assert rows[1][:5] == ("103", "C2", "Header", "ETHNIC", 2)


def test_a_malformed_upload_is_named_and_nothing_validated(officer) -> None:
    page = officer.get("/returns")
    files = _csv_files(tables()) + [("files", ("odd.csv", b"CHILD,COLOUR\n1,red\n", "text/csv"))]
    reply = officer.post(
        "/returns/validate",
        data={"csrf_token": csrf_from(page.text), "for_year": "2025"},
        files=files,
    )
    assert reply.status_code == 422
    assert "nothing was validated" in reply.text
    assert "odd.csv" in reply.text and "not a known SSDA903 table" in reply.text


def test_an_empty_upload_and_a_bad_year_keep_what_was_typed(officer) -> None:
    page = officer.get("/returns")
    reply = officer.post(
        "/returns/validate", data={"csrf_token": csrf_from(page.text), "for_year": "25"}
    )
    assert reply.status_code == 422
    assert "Enter the collection year as 4 digits" in reply.text
    assert "Choose the return" in reply.text
    assert 'value="25"' in reply.text


def test_too_large_an_upload_is_refused_before_it_is_read(officer, monkeypatch) -> None:
    monkeypatch.setattr(returns_routes, "MAX_UPLOAD_BYTES", 100)
    page = officer.get("/returns")
    reply = officer.post(
        "/returns/validate",
        data={"csrf_token": csrf_from(page.text), "for_year": "2025"},
        files=_csv_files(tables()),
    )
    assert reply.status_code == 422
    assert "upload at most" in reply.text


def test_the_record_downloads_as_a_zip_and_errors_drill_down(engine, officer) -> None:
    from casebook.returns.ssda903.import_ import import_into

    prefix = f"W{uuid.uuid4().hex[:6]}"
    t = _renamed(prefix)
    t["Reviews"][0]["REVIEW_CODE"] = "PN0"  # a 14-year-old: rule 440
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        import_into(engine, write_return(t, Path(tmp)), 2025)
    zipped = officer.get(
        "/returns/download", params={"which": "903", "year": "2025", "form": "xml"}
    )
    assert zipped.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert "episodes.csv" in names and "ssda903_2025.xml" in names
    bad = officer.get("/returns/download", params={"which": "nine", "year": "20x5"})
    assert bad.status_code == 422 and "Choose the return to download" in bad.text

    data = officer.get("/api/returns/errors", params={"rule": "440", "year": "2025"}).json()
    mine = [e for e in data["errors"] if e["child"] == f"{prefix}C1"]
    assert mine and mine[0]["table"] == "Reviews" and mine[0]["field"] == "REVIEW_CODE"
    assert sum(t["errors"] for t in data["by_team"]) == sum(r["errors"] for r in data["by_rule"])
    page = officer.get("/returns/errors", params={"rule": "440", "year": "2025"})
    assert page.status_code == 200
    assert f'href="/children/{prefix}C1"' in page.text
    assert "Reviews.REVIEW_CODE" in page.text


def test_api_validates_posted_files(officer) -> None:
    page = officer.get("/returns")
    t = tables()
    t["OC3"][0]["ACCOM"] = "Z9"
    body = {
        "year": 2025,
        "files": [{"name": n, "content": c.decode()} for _, (n, c, _) in _csv_files(t)],
    }
    reply = officer.post(
        "/api/returns/validate", json=body, headers={"x-csrf-token": csrf_from(page.text)}
    )
    assert reply.status_code == 200, reply.text
    out = reply.json()
    assert out["collection"] == "903" and out["count"] == 1
    assert out["errors"][0] == {
        "rule": "133",
        "child": "C2",
        "table": "OC3",
        "field": "ACCOM",
        "row": 1,
        "message": "Data entry for accommodation after leaving care is invalid.",
    }
    broken = dict(body, files=[{"name": "x.csv", "content": "A,B\n1,2\n"}])
    refused = officer.post(
        "/api/returns/validate", json=broken, headers={"x-csrf-token": csrf_from(page.text)}
    )
    assert refused.status_code == 422
    assert "x.csv" in json.dumps(refused.json())


def test_api_lists_every_rule(officer) -> None:
    rules = officer.get("/api/returns/rules").json()
    assert sum(r["collection"] == "903" for r in rules) >= 100
    assert {"collection": "903", "code": "143"} in [
        {"collection": r["collection"], "code": r["code"]} for r in rules
    ]
