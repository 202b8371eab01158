"""Typed settings, read from the environment once and cached.

``CASEBOOK_DATABASE_URL`` chooses the database (any SQLAlchemy URL); without
it Casebook keeps a SQLite file in ``CASEBOOK_DATA_DIR`` (default ``./data``),
so the demo needs no server.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEBOOK_", extra="ignore")

    database_url: str | None = None
    data_dir: Path = Path("data")
    #: Where the npm packages were installed (``npm ci`` in the repository root).
    node_modules: Path = Path(__file__).resolve().parents[2] / "node_modules"
    #: Send the session cookie only over HTTPS. On in production behind TLS.
    secure_cookies: bool = False

    @property
    def url(self) -> str:
        """The database URL in force, with the psycopg 3 driver for PostgreSQL."""
        if self.database_url:
            return normalise_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'casebook.db').resolve()}"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (the only driver installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
