"""Conventions, users and the audit log, as SQLAlchemy tables that run on SQLite and PostgreSQL.

Times are stored as naive UTC datetimes (SQLite has no time zone type); dates of validity
are calendar dates in France.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

PARTNER_TYPES = ("mel", "commune", "bailleur", "urh", "action_logement", "departement", "etat")
PARTNER_TYPE_LABELS = {
    "mel": "Métropole",
    "commune": "Commune",
    "bailleur": "Bailleur social",
    "urh": "Union régionale pour l'habitat",
    "action_logement": "Action Logement",
    "departement": "Département",
    "etat": "État",
}
CONVENTION_STATUSES = ("draft", "signed", "revoked")
CONVENTION_STATUS_LABELS = {"draft": "brouillon", "signed": "signée", "revoked": "révoquée"}
ROLES = ("reader", "preparer", "admin")
ROLE_LABELS = {"reader": "lecteur", "preparer": "préparateur", "admin": "administrateur"}
AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "export",
    "residence_view",
    "admin_change",
    "access_denied",
    "password_change",
)
AUDIT_ACTION_LABELS = {
    "login": "connexion",
    "login_failed": "échec de connexion",
    "logout": "déconnexion",
    "export": "export",
    "residence_view": "fiche résidence",
    "admin_change": "administration",
    "access_denied": "accès refusé",
    "password_change": "changement de mot de passe",
}


def utcnow() -> datetime:
    """The current UTC time as a naive datetime, the way every table stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def split_codes(raw: str) -> frozenset[str]:
    return frozenset(code.strip() for code in raw.split(",") if code.strip())


def join_codes(codes: frozenset[str] | set[str] | list[str] | tuple[str, ...]) -> str:
    return ",".join(sorted(set(codes)))


class Base(DeclarativeBase):
    pass


class SchemaVersion(Base):
    __tablename__ = "atlas_schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Convention(Base):
    __tablename__ = "conventions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    partner_name: Mapped[str] = mapped_column(String(200))
    partner_type: Mapped[str] = mapped_column(String(30))
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # Commune INSEE codes, or a landlord's codes, comma-separated; empty = whole territory.
    perimeter: Mapped[str] = mapped_column(Text, default="")
    datasets: Mapped[str] = mapped_column(String(100), default="")
    signatory: Mapped[str] = mapped_column(String(200), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    users: Mapped[list[User]] = relationship(back_populates="convention")

    @property
    def perimeter_codes(self) -> frozenset[str]:
        return split_codes(self.perimeter)

    @property
    def dataset_names(self) -> frozenset[str]:
        return split_codes(self.datasets)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased, so that the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    convention_id: Mapped[int] = mapped_column(ForeignKey("conventions.id"))
    role: Mapped[str] = mapped_column(String(10), default="reader")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Sessions opened before this moment are over (logout, deactivation): a copied
    # session cookie stops working too.
    sessions_revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A one-time password (invitation, reset by an administrator) must be replaced by one
    # the user chooses at their next login, before it expires (schema version 2).
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    one_time_password_expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    convention: Mapped[Convention] = relationship(back_populates="users", lazy="joined")


class AuditEvent(Base):
    """One line of the append-only audit log: never a password nor a session token."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_email: Mapped[str] = mapped_column(String(254), default="")
    convention_number: Mapped[str] = mapped_column(String(40), default="")
    action: Mapped[str] = mapped_column(String(20))
    object: Mapped[str] = mapped_column(Text, default="")
    client_address: Mapped[str] = mapped_column(String(64), default="")


class LoginAttempt(Base):
    """One login attempt let through to the password check, for the rate limit shared by
    every worker and instance (schema version 2). Rows older than the longest window are
    deleted as new ones come; the audit log keeps the history."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_address_at", "client_address", "at"),
        Index("ix_login_attempts_email_at", "user_email", "at"),
        Index("ix_login_attempts_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    client_address: Mapped[str] = mapped_column(String(64))
    user_email: Mapped[str] = mapped_column(String(254))
    # A successful login does not use up the allowance of its address or account.
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CommissionFile(Base):
    """A commission file ("dossier de commission"): residences a user gathered for one
    allocation commission, with its title and date (schema version 3). Only its author
    sees it."""

    __tablename__ = "commission_files"
    __table_args__ = (Index("ix_commission_files_user", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    commission_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Residence ids, comma-separated, in the order the user chose them.
    residence_ids: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def residences(self) -> list[str]:
        return [code for code in self.residence_ids.split(",") if code]


class SavedView(Base):
    """A view of the explorer a user named and kept ("Mes vues", schema version 4): the
    permalink's query string, as the state parser wrote it. Shared, it is listed to the
    other users of its author's convention too."""

    __tablename__ = "saved_views"
    __table_args__ = (Index("ix_saved_views_user", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Tour(Base):
    """A tour ("Parcours", schema version 4): saved views in order, each with a caption,
    stepped through in presentation mode. Shared like a view."""

    __tablename__ = "tours"
    __table_args__ = (Index("ix_tours_user", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
    steps: Mapped[list[TourStep]] = relationship(
        order_by="TourStep.position", cascade="all, delete-orphan"
    )


class TourStep(Base):
    """One step of a tour: the view's query string (copied when the tour is made, so that
    the tour stays as it was shown) and its caption."""

    __tablename__ = "tour_steps"
    __table_args__ = (Index("ix_tour_steps_tour", "tour_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    caption: Mapped[str] = mapped_column(String(300), default="")
    query: Mapped[str] = mapped_column(Text)
