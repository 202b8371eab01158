"""A unit of work: one transaction that rolls back unless the service commits it.

Routes and commands open one, hand it to a service function and never commit
themselves; the service commits once the change and its history are written.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from casebook.record.db import begin_write


class UnitOfWork:
    """Wraps a session. Services enter it (``with uow:``) and commit it when done."""

    def __init__(self, session_factory: sessionmaker[Session] | None = None, *, session=None):
        if (session_factory is None) == (session is None):
            raise ValueError("give a session factory or a session, not both")
        self._factory = session_factory
        self._given = session
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._given if self._given is not None else self._factory()
        self._committed = False
        begin_write(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None or not self._committed:
            self.rollback()
        if self._given is None:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
        self._committed = True

    def rollback(self) -> None:
        self.session.rollback()
