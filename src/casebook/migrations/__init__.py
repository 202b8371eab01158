"""Alembic migrations: the schema and the reference data it starts with.

Run through :func:`casebook.record.schema.upgrade` (``casebook init``); there is
no alembic.ini to keep in step.
"""
