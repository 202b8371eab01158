"""End-to-end tests commit through the app, so they get databases of their own
rather than sharing the rolled-back one the integration tests use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.conftest import BACKENDS, new_database


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory) -> Iterator[Engine]:
    eng, drop = new_database(request.param, tmp_path_factory)
    yield eng
    drop()
