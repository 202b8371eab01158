"""The CIN census: its XML (export and import), projection from the record and
the DfE's validation rules.

Public names used by the rest of Casebook (``returns/commands.py``, the web
page, continuous validation):

* :data:`RULES` — the rule book (``returns.rules.RuleBook``), one rule per DfE code;
* :func:`load` — parse census XML files (``record.errors.Invalid`` naming file,
  line, element and field on any problem);
* :func:`from_record` — what the record would return for a collection year;
* :func:`export` — write ``cin_census_<year>.xml``;
* :func:`import_into` — import census files into a database, all or nothing;
* :func:`validate` — every rule failure of a census for a collection year.
"""

from __future__ import annotations

from casebook.returns.rules import ReturnError, RuleBook

from .export import export, to_xml
from .import_ import import_into
from .load import load, load_bytes
from .project import from_record
from .rules import RULES as _RULES
from .spec import CinData, census_period

RULES: RuleBook[CinData] = _RULES


def validate(data: CinData, year: int | None = None) -> list[ReturnError]:
    """Every failure of every CIN rule, for the collection year ending 31 March ``year``.

    Without ``year`` the census period comes from the header's ReferenceDate
    (else its Year).
    """
    data.set_year(year)
    return RULES.validate(data)


__all__ = [
    "RULES",
    "CinData",
    "census_period",
    "export",
    "from_record",
    "import_into",
    "load",
    "load_bytes",
    "to_xml",
    "validate",
]
