"""A published pack stores its figures, never changes, and its PDF regenerates
identically from what was stored; a correction is a new version."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from tests.unit.test_packs_render import figures

from casebook.performance import packs
from casebook.record.errors import Invalid


def test_published_packs_are_frozen_and_regenerate_identically(fresh_engine):
    with Session(fresh_engine) as s:
        pack = packs.publish(
            s, figures(), {"summary": "Steady."}, title="Q3 pack", actor="perf",
            at=datetime(2025, 10, 20, 9, 0),
        )  # fmt: skip
        pack_id = pack.id
        stored, commentary = packs.stored(pack)
        assert stored["suppressed"] is True  # published as the public may see it
        assert commentary == {"summary": "Steady."}
        first_pdf = packs.pack_pdf(pack)
    for statement in (
        "UPDATE cb_board_pack SET title = 'changed'",
        "UPDATE cb_board_pack SET figures_json = '{}'",
        "DELETE FROM cb_board_pack",
    ):
        with fresh_engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
    with Session(fresh_engine) as s:
        again = packs.get_pack(s, pack_id)
        assert again.title == "Q3 pack"
        assert packs.stored(again)[0] == stored
        assert packs.pack_pdf(again) == first_pdf
        with pytest.raises(Invalid) as caught:
            packs.publish(s, figures(), {}, title="Q3 pack", actor="perf")
        assert caught.value.problems[0].field == "correction_note"
        corrected = packs.publish(
            s, figures(), {}, title="Q3 pack", actor="perf", correction_note="CP2 restated"
        )
        assert (corrected.period, corrected.version) == ("2025-Q3", 2)
        assert [p.version for p in packs.published(s)] == [2, 1]


def test_publishing_needs_a_title(db_session):
    with pytest.raises(Invalid) as caught:
        packs.publish(db_session, figures(), {}, title=" ", actor="perf")
    assert caught.value.problems[0].field == "title"
