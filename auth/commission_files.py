"""The commission files of a user, kept in the auth database: create, list, read.

A file belongs to the user who made it: every function takes the user's id from the
session (never from the request body) and reads only that user's files.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.models import CommissionFile

MAX_RESIDENCES = 60
MAX_TITLE_LENGTH = 200


class EmptyFile(ValueError):
    """A file needs a title and at least one residence."""


def create_file(
    session: Session,
    user_id: int,
    title: str,
    commission_on: date | None,
    residence_ids: list[str],
) -> CommissionFile:
    """A new file of `user_id` with the residences in the order given (duplicates and
    anything past MAX_RESIDENCES dropped); written when the caller's transaction commits."""
    title = " ".join(title.split())[:MAX_TITLE_LENGTH]
    unique = list(dict.fromkeys(code for code in residence_ids if code))[:MAX_RESIDENCES]
    if not title or not unique:
        raise EmptyFile("un dossier a un titre et au moins une résidence")
    record = CommissionFile(
        user_id=user_id,
        title=title,
        commission_on=commission_on,
        residence_ids=",".join(unique),
    )
    session.add(record)
    session.flush()
    return record


def files_of(session: Session, user_id: int) -> list[CommissionFile]:
    """The user's files, the latest commission first."""
    statement = (
        select(CommissionFile)
        .where(CommissionFile.user_id == user_id)
        .order_by(CommissionFile.created_at.desc(), CommissionFile.id.desc())
    )
    return list(session.scalars(statement))


def file_of(session: Session, user_id: int, file_id: int) -> CommissionFile | None:
    """One file of the user; None for another user's file or an unknown id."""
    record = session.get(CommissionFile, file_id)
    return record if record is not None and record.user_id == user_id else None


def pin_to_latest(session: Session, user_id: int, residence_id: str, title: str) -> CommissionFile:
    """Add a residence (pinned from its sheet) to the user's latest file, or to a new one
    named `title` when the user has none; a residence already there stays in its place."""
    files = files_of(session, user_id)
    if not files:
        return create_file(session, user_id, title, None, [residence_id])
    latest = files[0]
    residences = latest.residences
    if residence_id not in residences and len(residences) < MAX_RESIDENCES:
        latest.residence_ids = ",".join([*residences, residence_id])
    return latest
