"""Writing and reading the append-only audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from auth.dates import FRANCE, format_datetime
from auth.models import AUDIT_ACTION_LABELS, AUDIT_ACTIONS, AuditEvent, utcnow
from data.spreadsheet import spreadsheet_safe

MAX_OBJECT_LENGTH = 500
CSV_COLUMNS = ("at", "user_email", "convention_number", "action", "object", "client_address")
# The admin page's download, for a spreadsheet in French: columns as the page shows them.
FRENCH_CSV_COLUMNS = ("date", "utilisateur", "convention", "action", "objet", "adresse IP")


def record_event(
    session: Session,
    action: str,
    *,
    user_email: str = "",
    convention_number: str = "",
    obj: str = "",
    client_address: str = "",
) -> AuditEvent:
    """Add one event to `session`; it is written when the caller's transaction commits."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        at=utcnow(),
        user_email=user_email[:254],
        convention_number=convention_number[:40],
        action=action,
        object=obj[:MAX_OBJECT_LENGTH],
        client_address=client_address[:64],
    )
    session.add(event)
    return event


def french_day_start(day: date) -> datetime:
    """Midnight of a French calendar day as the naive UTC the log stores: the admin page
    shows French times, so its day filter counts French days."""
    midnight = datetime.combine(day, time.min, tzinfo=FRANCE)
    return midnight.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    user_email: str = ""
    convention_number: str = ""
    since: date | None = None
    until: date | None = None

    def query(self) -> Select[tuple[AuditEvent]]:
        statement = select(AuditEvent)
        if self.action:
            statement = statement.where(AuditEvent.action == self.action)
        if self.user_email:
            statement = statement.where(AuditEvent.user_email == self.user_email.lower())
        if self.convention_number:
            statement = statement.where(AuditEvent.convention_number == self.convention_number)
        if self.since:
            statement = statement.where(AuditEvent.at >= french_day_start(self.since))
        if self.until:
            end = french_day_start(self.until + timedelta(days=1))
            statement = statement.where(AuditEvent.at < end)
        return statement


def list_events(session: Session, audit_filter: AuditFilter, limit: int = 500) -> list[AuditEvent]:
    statement = audit_filter.query().order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return list(session.scalars(statement.limit(limit)))


def events_as_csv(events: Iterable[AuditEvent]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow(
            [
                event.at.isoformat(timespec="seconds") + "Z",
                event.user_email,
                event.convention_number,
                event.action,
                event.object,
                event.client_address,
            ]
        )
    return buffer.getvalue()


def export_since(session: Session, since: date) -> str:
    statement = AuditFilter(since=since).query().order_by(AuditEvent.at, AuditEvent.id)
    return events_as_csv(session.scalars(statement))


def events_as_french_csv(
    events: Iterable[AuditEvent], describe: Callable[[AuditEvent], str]
) -> str:
    """The audit lines as the admin page shows them (French time, French action labels,
    objects described by `describe`), for a French spreadsheet: `;`-separated, with a
    byte-order mark so that accents open right. The command line's export stays raw."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(FRENCH_CSV_COLUMNS)
    for event in events:
        writer.writerow(
            [
                spreadsheet_safe(cell)
                for cell in (
                    format_datetime(event.at, seconds=True),
                    event.user_email,
                    event.convention_number,
                    AUDIT_ACTION_LABELS.get(event.action, event.action),
                    describe(event),
                    event.client_address,
                )
            ]
        )
    return buffer.getvalue()
