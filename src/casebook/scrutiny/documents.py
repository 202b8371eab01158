"""Documents attached to agenda items: PDF and Word (.docx) only.

The type is decided by the file's bytes, not its name or the browser's claim:
a PDF starts ``%PDF-``; a .docx is a zip holding ``word/`` parts. The name's
extension must agree. Files over the size limit are refused. Bytes are stored
under ``<data_dir>/documents/`` named by their SHA-256 (written to a temporary
file, then renamed), so a stored document can never change under its record
and the same file uploaded twice is stored once.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from hashlib import sha256
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, NotFound, Problem
from casebook.scrutiny.common import Checks, change, get, now, record_event
from casebook.scrutiny.models import AgendaItem, Document

#: The largest document accepted (bytes).
MAX_BYTES = 20 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}


def sniff(data: bytes) -> str | None:
    """The document's type from its bytes, or None if it is not PDF or .docx."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return DOCX
    return None


def safe_filename(name: str) -> str:
    """The name as shown and offered on download: no folders, no control characters."""
    name = os.path.basename(str(name).replace("\\", "/"))
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "", name).strip(" .")
    return name[:200] or "document"


def storage_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "documents"


def _path(data_dir: Path, digest: str, content_type: str) -> Path:
    return storage_dir(data_dir) / digest[:2] / f"{digest}{EXTENSIONS[content_type]}"


def attach(
    db: Session,
    item_id: str,
    *,
    title: Any,
    filename: Any,
    data: bytes,
    data_dir: Path,
    actor: str,
    max_bytes: int | None = None,
) -> Document:
    item = get(db, AgendaItem, item_id, "agenda item")
    max_bytes = max_bytes or MAX_BYTES
    checks = Checks()
    title = checks.text("title", title, required=False, limit=500)
    name = safe_filename(filename or "")
    if not data:
        checks.add("file", "choose a file: it is empty or missing")
        checks.done()
    if len(data) > max_bytes:
        limit = (
            f"{max_bytes // (1024 * 1024)} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes} bytes"
        )
        checks.add("file", f"is too big: the largest document accepted is {limit}")
        checks.done()
    content_type = sniff(data)
    if content_type is None:
        checks.add("file", "must be a PDF or a Word document (.docx)")
        checks.done()
    if not name.lower().endswith(EXTENSIONS[content_type]):
        checks.add(
            "file",
            f"the file's name must end {EXTENSIONS[content_type]}: it is a "
            f"{'PDF' if content_type == PDF else 'Word document'}",
        )
    checks.done()
    digest = sha256(data).hexdigest()
    target = _path(data_dir, digest, content_type)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temp, 0o640)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    with change(db):
        document = Document(
            agenda_item_id=item.id,
            title=title or name,
            filename=name,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_at=now(),
            uploaded_by=actor,
        )
        db.add(document)
        db.flush()
        record_event(db, actor, "document", document.id, "attached", {"item": item.id})
    return document


def documents_of(db: Session, item_id: str) -> list[Document]:
    return list(
        db.scalars(
            select(Document)
            .where(Document.agenda_item_id == item_id)
            .order_by(Document.uploaded_at, Document.id)
        )
    )


def read(data_dir: Path, document: Document) -> bytes:
    """The stored bytes, checked against the digest the record holds."""
    path = _path(data_dir, document.sha256, document.content_type)
    try:
        data = path.read_bytes()
    except OSError:
        raise NotFound("The document's file is missing from the store.") from None
    if sha256(data).hexdigest() != document.sha256:
        raise Invalid([Problem("file", "the stored file does not match its record")])
    return data
