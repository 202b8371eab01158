"""Board pack rendering from figures: the PDF, its headings, suppression, determinism."""

from __future__ import annotations

from datetime import date

from weasyprint import HTML

from casebook.performance import packs, trends


def measure(mid: str, title: str, value, numerator, denominator, unit="percent", **extra):
    return {
        "id": mid,
        "title": title,
        "unit": unit,
        "better": "higher",
        "area": packs.area_of(mid),
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "available": True,
        "note": "",
        "target": {"measure_id": mid, "year": 2025, "target": 85, "tolerance": 5,
                   "better": "higher"},
        "rag": "amber",
        "previous": 80.0,
        "previous_counts": [8, 10],
        "direction": "better",
        "series": [70.0, 75.0, value],
        "series_counts": [[70, 100], [3, 4], [numerator, denominator]],
        "comparison": None,
        **extra,
    }  # fmt: skip


def figures() -> dict:
    months = [m for m, _ in trends.months_ending(date(2025, 9, 30), 3)]
    return {
        "schema": 1,
        "period": {
            "name": "2025-Q3",
            "label": "1 July 2025 to 30 September 2025",
            "start": "2025-07-01",
            "end": "2025-09-30",
            "kind": "quarter",
            "target_year": 2025,
            "target_year_label": "2025-26",
            "previous": "2025-Q2",
        },
        "months": [m.isoformat() for m in months],
        "la_code": "990",
        "illustrative": True,
        "suppressed": False,
        "measures": [
            measure("A2S", "Assessments in 45 days", 82.0, 41, 50),
            measure("CP2", "ICPC in 15 days", 75.0, 3, 4),
            measure("WF2", "Unallocated", 3, 3, None, unit="count"),
        ],
    }


def text_of(html: str) -> str:
    """The text WeasyPrint laid out on the pages (what the PDF shows)."""
    document = HTML(string=html).render()
    found = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if hasattr(box, "text"):
                found.append(box.text)
            stack.extend(getattr(box, "children", []))
    return " ".join(found)


def test_measure_areas():
    assert [packs.area_of(m) for m in ("A2S", "CP8", "CIN1", "LA12", "AD1", "EH1M", "ZZ")] == [
        "A", "CP", "CIN", "LA", "AD", "EH", "other"
    ]  # fmt: skip


def test_publication_passes_every_figure_through_suppression():
    shown = packs.for_publication(figures())
    by_id = {m["id"]: m for m in shown["measures"]}
    assert shown["suppressed"] is True
    assert by_id["A2S"]["value"] == 82  # rounded
    assert by_id["CP2"]["value"] == "c"  # 3 of 4: a small number
    assert by_id["WF2"]["value"] == "c"  # a count of 3
    assert by_id["A2S"]["series"][1] is None  # 3 of 4 in that month: a gap in the trend
    assert "series_counts" not in by_id["A2S"] and "previous_counts" not in by_id["A2S"]
    assert packs.for_publication(shown) == shown  # suppressing twice changes nothing


def test_the_pack_shows_every_measure_title_and_the_illustrative_label():
    meta = packs.PackMeta("Children's services performance: 2025-Q3", "Draft")
    html = packs.render_html(packs.for_publication(figures()), {"CP": "Conferences."}, meta)
    text = text_of(html)
    for title in ("Assessments in 45 days", "ICPC in 15 days", "Unallocated"):
        assert title in text
    assert "ILLUSTRATIVE" in text
    assert "Conferences." in text
    assert "Commentary" in text
    assert packs.pdf_text_titles(html)[:2] == ["A2S Assessments in 45 days", "CP2 ICPC in 15 days"]


def test_the_pdf_is_a_pdf_and_the_same_figures_give_the_same_bytes():
    meta = packs.PackMeta("Pack", "Draft")
    shown = packs.for_publication(figures())
    first = packs.render_pdf(shown, {}, meta)
    assert first.startswith(b"%PDF-") and len(first) > 5_000
    assert packs.render_pdf(shown, {}, meta) == first
    assert packs.render_pdf(shown, {"summary": "Changed."}, meta) != first


def test_commentary_is_trimmed_and_limited():
    assert packs.clean_commentary({"summary": "  Fine.  ", "CP": "", "nonsense": "x"}) == {
        "summary": "Fine."
    }
    try:
        packs.clean_commentary({"CP": "x" * (packs.LONGEST_COMMENTARY + 1)})
    except packs.Invalid as exc:
        assert exc.problems[0].field == "commentary_CP"
    else:
        raise AssertionError("too long commentary was accepted")
