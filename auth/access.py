"""The logged-in user of the current request, and what their convention lets them see.

Everything here is built on the server from the session cookie (a user id signed with
SECRET_KEY) and the user store, never from what the browser sends.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import UserMixin, current_user

from auth.audit import record_event
from auth.models import Convention, User
from auth.state import auth_state
from data.scope import AccessScope, Territory


class NoAccess(PermissionError):
    """No logged-in user in this context: nothing may be shown."""


class LoggedInUser(UserMixin):
    """Flask-Login's view of a `User` row (loaded with its convention, once per request)."""

    def __init__(self, record: User) -> None:
        self.record = record

    def get_id(self) -> str:
        return str(self.record.id)

    @property
    def email(self) -> str:
        return self.record.email

    @property
    def display_name(self) -> str:
        return self.record.display_name

    @property
    def role(self) -> str:
        return self.record.role

    @property
    def convention(self) -> Convention:
        return self.record.convention

    @property
    def is_admin(self) -> bool:
        return self.record.role == "admin" and self.record.convention.partner_type == "mel"


def load_user(user_id: int | str | None) -> LoggedInUser | None:
    """The user of a session's id (Flask-Login's user loader), None if there is none."""
    try:
        key = int(user_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    with auth_state().db.reading() as session:
        record = session.get(User, key)
    return LoggedInUser(record) if record is not None else None


def scope_of(convention: Convention) -> AccessScope:
    """The perimeter of a convention: communes for a commune, landlord codes for a landlord."""
    codes = convention.perimeter_codes
    return AccessScope(
        convention_number=convention.number,
        partner_name=convention.partner_name,
        partner_type=convention.partner_type,
        datasets=convention.dataset_names,
        communes=codes if convention.partner_type == "commune" else frozenset(),
        bailleurs=codes if convention.partner_type == "bailleur" else frozenset(),
    )


def current_account() -> LoggedInUser:
    if not has_request_context() or not current_user.is_authenticated:
        raise NoAccess("no logged-in user in this context")
    return current_user._get_current_object()  # type: ignore[attr-defined]


def current_scope() -> AccessScope:
    """What the logged-in user may see; raises NoAccess when nobody is logged in."""
    return scope_of(current_account().convention)


def current_user_label() -> str:
    """e.g. "Commune de Capinghem — convention CONV-2021-011", for a discreet page footer."""
    convention = current_account().convention
    return f"{convention.partner_name} — convention {convention.number}"


def client_address() -> str:
    if not has_request_context():
        return ""
    return request.remote_addr or ""


def log_access(action: str, obj: str) -> None:
    """Audit an `export` or `residence_view` (or another action) by the logged-in user."""
    account = current_account()
    with auth_state().db.writing() as session:
        record_event(
            session,
            action,
            user_email=account.email,
            convention_number=account.convention.number,
            obj=obj,
            client_address=client_address(),
        )


def warehouse_territory() -> Territory | None:
    """The communes and landlords of the warehouse the app serves (None when the app runs
    without one), to check and name perimeters."""
    store = current_app.config.get("ATLAS_STORE")
    return store.territory if store is not None else None


def unchecked_perimeters(conventions: list[Convention]) -> list[Convention]:
    """The conventions of several communes or landlords whose perimeter the warehouse was
    not built to check as a whole: they see no zone occupation until it is."""
    store = current_app.config.get("ATLAS_STORE")
    if store is None:
        return []
    return [c for c in conventions if not store.perimeter_checked(scope_of(c))]


def residence_labels(residence_ids: list[str]) -> dict[str, str]:
    """'Name, address' of residences by id, read from the warehouse (empty without one)."""
    store = current_app.config.get("ATLAS_STORE")
    return store.residence_labels(residence_ids) if store is not None else {}
