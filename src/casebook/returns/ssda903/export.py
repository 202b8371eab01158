"""Write the SSDA903 return: one CSV per table (the DfE's column names and file
names, dates dd/mm/yyyy) and, when asked, the same return as one XML file.

The XML keeps the DfE's item names as elements, grouped per child::

    Message
      Header / CollectionDetails (Collection SSDA903, Year, ReferenceDate)
      Children / Child (CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB, DUC)
        Episodes / Episode*        Reviews / Review*      OC2   OC3   AD1
        PlacedAdoption / Decision*  PrevPerm   Missing / MissingEpisode*
        SWEpisodes / SWEpisode*

with dates written YYYY-MM-DD as XML dates are.
"""

from __future__ import annotations

import csv
from pathlib import Path

from lxml import etree

from . import spec
from .data import Data903

#: XML element for one row of a table that a child may have several of.
_ITEM = {
    "Episodes": "Episode",
    "Reviews": "Review",
    "PlacedAdoption": "Decision",
    "Missing": "MissingEpisode",
    "SWEpisodes": "SWEpisode",
}
_ONE = ("OC2", "OC3", "AD1", "PrevPerm")


def write_csv(data: Data903, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in spec.TABLES:
        if name not in data.tables:
            continue
        path = out_dir / spec.FILE_NAMES[name]
        cols = spec.COLUMNS[name]
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\r\n")
            w.writerow(cols)
            for r in data.tables[name]:
                w.writerow([r[c] or "" for c in cols])
        written.append(path)
    return written


def _xml_value(table: str, column: str, value: str) -> str:
    if column in spec.DATE_COLUMNS.get(table, ()):
        d = spec.parse_date(value)
        return d.isoformat() if d else value
    return value


def to_xml(data: Data903) -> bytes:
    root = etree.Element("Message")
    header = etree.SubElement(root, "Header")
    details = etree.SubElement(header, "CollectionDetails")
    etree.SubElement(details, "Collection").text = "SSDA903"
    etree.SubElement(details, "Year").text = str(data.year)
    etree.SubElement(details, "ReferenceDate").text = data.end.isoformat()
    children = etree.SubElement(root, "Children")
    duc = {r["CHILD"]: r["DUC"] for r in data.rows("UASC") if r["DUC"]}

    def put(parent, table: str, row: dict) -> None:
        for c in spec.COLUMNS[table]:
            if c in ("CHILD", "DOB") and table != "Header":
                continue
            if table == "UASC":
                continue
            v = row.get(c)
            if v is not None:
                etree.SubElement(parent, c).text = _xml_value(table, c, v)

    for h in data.rows("Header"):
        child = h["CHILD"]
        el = etree.SubElement(children, "Child")
        put(el, "Header", h)
        if child in duc:
            etree.SubElement(el, "DUC").text = _xml_value("UASC", "DUC", duc[child])
        for table in ("Episodes", "Reviews", "PlacedAdoption", "Missing", "SWEpisodes"):
            rows = data.by_child(table).get(child)
            if rows:
                group = etree.SubElement(el, table)
                for r in rows:
                    put(etree.SubElement(group, _ITEM[table]), table, r)
        for table in _ONE:
            for r in data.by_child(table).get(child, ()):
                put(etree.SubElement(el, table), table, r)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export(session, year: int, out_dir: Path, xml: bool = False) -> list[Path]:
    """Write the record's return for the year ending 31 March ``year`` into ``out_dir``."""
    from .project import from_record

    data = from_record(session, year)
    out_dir = Path(out_dir)
    written = write_csv(data, out_dir)
    if xml:
        path = out_dir / f"ssda903_{year}.xml"
        path.write_bytes(to_xml(data))
        written.append(path)
    return written
