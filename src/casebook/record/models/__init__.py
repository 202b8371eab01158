"""The record's tables, one module per part of the child's journey.

Importing this package registers every table on :data:`Base.metadata`.
"""

from casebook.record.models.base import Base, RecordRow, ssd_columns
from casebook.record.models.care_leavers import *  # noqa: F403
from casebook.record.models.child_in_need import *  # noqa: F403
from casebook.record.models.early_help import *  # noqa: F403
from casebook.record.models.exploitation import *  # noqa: F403
from casebook.record.models.front_door import *  # noqa: F403
from casebook.record.models.history import HistoryEntry
from casebook.record.models.looked_after import *  # noqa: F403
from casebook.record.models.people import *  # noqa: F403
from casebook.record.models.protection import *  # noqa: F403
from casebook.record.models.reference import BankHoliday, CodeValue, TimescaleSetting
from casebook.record.models.send import *  # noqa: F403
from casebook.record.models.workforce import *  # noqa: F403

#: Every table that mirrors an SSD table, by SSD table name.
SSD_TABLES = {
    name: table for name, table in Base.metadata.tables.items() if name.startswith("ssd_")
}


def model_for(table_name: str) -> type[Base]:
    """The ORM class mapped to a table name."""
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table_name:
            return mapper.class_
    raise KeyError(table_name)


__all__ = [
    "Base",
    "RecordRow",
    "ssd_columns",
    "HistoryEntry",
    "BankHoliday",
    "CodeValue",
    "TimescaleSetting",
    "SSD_TABLES",
    "model_for",
]
