"""Whether a user may use the portal right now, and why not, in French."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from flask import current_app, has_app_context

from auth.dates import french_date
from auth.models import Convention, User


class Denial(StrEnum):
    USER_INACTIVE = "user_inactive"
    CONVENTION_UNSIGNED = "convention_unsigned"
    CONVENTION_REVOKED = "convention_revoked"
    CONVENTION_NOT_STARTED = "convention_not_started"
    CONVENTION_EXPIRED = "convention_expired"


@dataclass(frozen=True)
class Refusal:
    denial: Denial
    message: str


def configured_contact() -> str:
    """The administrator's contact (`ATLAS_ADMIN_CONTACT`) of the app serving this request,
    "" outside one."""
    return current_app.config.get("ATLAS_ADMIN_CONTACT", "") if has_app_context() else ""


def contact_sentence(whom: str, contact: str | None, purpose: str = "") -> str:
    """ "Contactez l'administrateur de la Métropole (atlas@…) pour la renouveler." """
    contact = configured_contact() if contact is None else contact
    reached = f"{whom} ({contact})" if contact else whom
    return f"Contactez {reached}{' ' + purpose if purpose else ''}."


def convention_denial(
    convention: Convention, today: date, contact: str | None = None
) -> Refusal | None:
    """Why a convention opens no access on `today`, or None; `contact` (by default the
    configured one) tells a refused user whom to write to."""
    number = convention.number
    if convention.status == "revoked":
        return Refusal(
            Denial.CONVENTION_REVOKED,
            f"La convention {number} a été révoquée : l'accès au portail est fermé. "
            + contact_sentence("l'administrateur de la Métropole", contact),
        )
    if convention.status != "signed":
        return Refusal(
            Denial.CONVENTION_UNSIGNED,
            f"La convention {number} n'est pas encore signée : l'accès ouvrira à sa signature.",
        )
    if today < convention.valid_from:
        return Refusal(
            Denial.CONVENTION_NOT_STARTED,
            f"La convention {number} ne prend effet que le {french_date(convention.valid_from)}.",
        )
    if today > convention.valid_until:
        return Refusal(
            Denial.CONVENTION_EXPIRED,
            f"La convention {number} a expiré le {french_date(convention.valid_until)} : "
            "l'accès au portail est fermé. "
            + contact_sentence("l'administrateur de la Métropole", contact, "pour la renouveler"),
        )
    return None


def access_denial(
    user: User, now: datetime, today: date, contact: str | None = None
) -> Refusal | None:
    """None when `user` may use the portal at `now` (naive UTC) and on `today` (France).

    A lock after failed logins is not a denial here: it guards the login form only
    (auth/login.py answers as for a wrong password) and does not end the sessions of the
    account's owner, whom a guesser could otherwise log out at will.
    """
    if not user.active:
        return Refusal(
            Denial.USER_INACTIVE,
            "Ce compte a été désactivé. " + contact_sentence("l'administrateur", contact),
        )
    return convention_denial(user.convention, today, contact)
