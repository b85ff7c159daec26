"""Changes to conventions and users, shared by the admin page and the command line.

Each function checks its arguments first (raising `ManagementError` with a French message
and changing nothing), applies the change and writes an `admin_change` audit event in the
caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auth.audit import record_event
from auth.dates import french_date, today_in_france
from auth.models import (
    CONVENTION_STATUS_LABELS,
    PARTNER_TYPE_LABELS,
    PARTNER_TYPES,
    ROLE_LABELS,
    ROLES,
    Convention,
    User,
    join_codes,
    split_codes,
    utcnow,
)
from auth.passwords import (
    ONE_TIME_PASSWORD_LIFETIME,
    Passwords,
    WeakPassword,
    one_time_password,
)
from auth.rules import convention_denial
from auth.scope import DATASETS, perimeter_label
from data.catalog import THEMES
from data.scope import PERIMETER_TYPES, WHOLE_TERRITORY_TYPES, Territory

CONVENTION_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
LANDLORD_CODE = re.compile(r"^[0-9A-Z]{1,12}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A commune or landlord convention names what it covers: an empty perimeter would have
# meant "everything" once; it now means nothing, so it is refused when created.
PERIMETER_REQUIRED = {
    "commune": (
        "Une convention de commune doit nommer son périmètre : indiquez le ou les codes "
        "INSEE des communes couvertes (ex. 59128)."
    ),
    "bailleur": (
        "Une convention de bailleur doit nommer son périmètre : indiquez le ou les codes "
        "du bailleur (ex. 900000002)."
    ),
}


class ManagementError(ValueError):
    """A change was refused; the message (French) says why."""


@dataclass(frozen=True)
class Actor:
    """Who makes a change, as the audit log records it."""

    email: str
    convention_number: str = ""
    client_address: str = ""


CLI_ACTOR = Actor(email="cli")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _audit(session: Session, actor: Actor, change: str) -> None:
    record_event(
        session,
        "admin_change",
        user_email=actor.email,
        convention_number=actor.convention_number,
        obj=change,
        client_address=actor.client_address,
    )


def find_convention(session: Session, number: str) -> Convention:
    convention = session.scalar(select(Convention).where(Convention.number == number.strip()))
    if convention is None:
        raise ManagementError(f"Aucune convention n'a le numéro {number!r}.")
    return convention


def find_user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise ManagementError(f"Aucun utilisateur n'a l'adresse {email!r}.")
    return user


def _checked_perimeter(
    partner_type: str, perimeter: Iterable[str], territory: Territory | None = None
) -> str:
    """The perimeter's codes, joined; `territory` (the warehouse's communes and landlords)
    refuses a code it does not know, which would otherwise open nothing without a word."""
    codes = {code.strip().upper() for code in perimeter if code.strip()}
    if partner_type in WHOLE_TERRITORY_TYPES and codes:
        raise ManagementError(
            f"Un partenaire de type {partner_type} voit tout le territoire : "
            "ne donnez pas de périmètre."
        )
    if partner_type in PERIMETER_TYPES and not codes:
        raise ManagementError(PERIMETER_REQUIRED[partner_type])
    pattern = COMMUNE_CODE if partner_type == "commune" else LANDLORD_CODE
    bad = sorted(code for code in codes if not pattern.match(code))
    if bad:
        kind = "code commune INSEE" if partner_type == "commune" else "code bailleur"
        raise ManagementError(f"Périmètre invalide ({kind} attendu) : {', '.join(bad)}.")
    unknown = territory.unknown_codes(partner_type, codes) if territory else []
    if unknown:
        where = "aucune commune du territoire" if partner_type == "commune" else "aucun bailleur"
        raise ManagementError(
            f"Périmètre invalide : {', '.join(unknown)} ne correspond à {where} des données."
        )
    return join_codes(codes)


def _perimeter_text(partner_type: str, codes: str, territory: Territory | None) -> str:
    """The perimeter for the audit log: with names when the warehouse is known."""
    if territory is None and partner_type not in WHOLE_TERRITORY_TYPES:
        return codes
    return perimeter_label(partner_type, split_codes(codes), territory or Territory())


def _checked_datasets(datasets: Iterable[str]) -> str:
    """The granted themes, joined: only the catalogue's themes (`data.catalog.THEMES`)."""
    names = {name.strip().lower() for name in datasets if name.strip()}
    unknown = sorted(names - set(DATASETS))
    if unknown:
        expected = ", ".join(f"{name} ({THEMES[name]})" for name in DATASETS)
        raise ManagementError(
            f"Jeu de données inconnu : {', '.join(unknown)}. Les thèmes du catalogue sont : "
            f"{expected}."
        )
    if not names:
        raise ManagementError("Accordez au moins un jeu de données.")
    return join_codes(names)


def _check_dates(valid_from: date, valid_until: date) -> None:
    if valid_until < valid_from:
        raise ManagementError("La fin de validité précède son début.")


def create_convention(
    session: Session,
    actor: Actor,
    *,
    number: str,
    partner_name: str,
    partner_type: str,
    valid_from: date,
    valid_until: date,
    signed_on: date | None = None,
    perimeter: Iterable[str] = (),
    datasets: Iterable[str] = DATASETS,
    signatory: str = "",
    territory: Territory | None = None,
) -> Convention:
    """A new convention: signed when `signed_on` is given, a draft otherwise."""
    number = number.strip().upper()
    if not CONVENTION_NUMBER.match(number):
        raise ManagementError(
            "Numéro de convention invalide : lettres majuscules, chiffres et tirets "
            "(ex. CONV-2021-011)."
        )
    if not partner_name.strip():
        raise ManagementError("Le nom du partenaire est obligatoire.")
    if partner_type not in PARTNER_TYPES:
        raise ManagementError(
            f"Type de partenaire inconnu : {partner_type!r} (attendu : {', '.join(PARTNER_TYPES)})."
        )
    _check_dates(valid_from, valid_until)
    codes = _checked_perimeter(partner_type, perimeter, territory)
    granted = _checked_datasets(datasets)
    if session.scalar(select(Convention.id).where(Convention.number == number)) is not None:
        raise ManagementError(f"La convention {number} existe déjà.")
    convention = Convention(
        number=number,
        partner_name=partner_name.strip(),
        partner_type=partner_type,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_until=valid_until,
        status="signed" if signed_on else "draft",
        perimeter=codes,
        datasets=granted,
        signatory=signatory.strip(),
    )
    session.add(convention)
    session.flush()
    _audit(
        session,
        actor,
        f"convention {number} créée ({CONVENTION_STATUS_LABELS[convention.status]}, "
        f"{PARTNER_TYPE_LABELS[partner_type].lower()}, "
        f"{valid_from.isoformat()} → {valid_until.isoformat()}, "
        f"périmètre [{_perimeter_text(partner_type, codes, territory)}], "
        f"données [{granted}])",
    )
    return convention


def sign_convention(
    session: Session, actor: Actor, number: str, signed_on: date, signatory: str = ""
) -> Convention:
    convention = find_convention(session, number)
    if convention.status != "draft":
        raise ManagementError(f"La convention {convention.number} n'est pas un brouillon.")
    convention.status = "signed"
    convention.signed_on = signed_on
    convention.signatory = signatory.strip() or convention.signatory
    _audit(session, actor, f"convention {convention.number} signée le {signed_on.isoformat()}")
    return convention


def renew_convention(
    session: Session,
    actor: Actor,
    number: str,
    valid_until: date,
    today: date | None = None,
) -> Convention:
    """Move the end of validity later; a revoked convention is reinstated (signed again,
    or a draft if it never was) until `valid_until`, the way back from a revocation."""
    today = today or today_in_france()
    convention = find_convention(session, number)
    if valid_until < convention.valid_from:
        raise ManagementError("La fin de validité précède son début.")
    revoked = convention.status == "revoked"
    if not revoked and valid_until <= convention.valid_until:
        raise ManagementError("La nouvelle fin de validité doit suivre l'actuelle.")
    if valid_until < today:
        raise ManagementError(
            f"La nouvelle fin de validité ({french_date(valid_until)}) est déjà passée : "
            "la convention resterait fermée."
        )
    previous = convention.valid_until
    convention.valid_until = valid_until
    if revoked:
        convention.status = "signed" if convention.signed_on else "draft"
        convention.revoked_at = None
        _audit(
            session,
            actor,
            f"convention {convention.number} rétablie après révocation : fin "
            f"{previous.isoformat()} → {valid_until.isoformat()}",
        )
        return convention
    _audit(
        session,
        actor,
        f"convention {convention.number} renouvelée : fin {previous.isoformat()} → "
        f"{valid_until.isoformat()}",
    )
    return convention


def set_perimeter(
    session: Session,
    actor: Actor,
    number: str,
    perimeter: Iterable[str],
    territory: Territory | None = None,
) -> Convention:
    """Name the perimeter of a commune or landlord convention that has none (one created
    before perimeters were required, which sees no residence until then)."""
    convention = find_convention(session, number)
    if convention.partner_type not in PERIMETER_TYPES:
        raise ManagementError(
            f"La convention {convention.number} couvre tout le territoire : pas de périmètre."
        )
    if convention.perimeter_codes:
        raise ManagementError(
            f"La convention {convention.number} a déjà un périmètre : un changement de "
            "périmètre passe par une nouvelle convention."
        )
    codes = _checked_perimeter(convention.partner_type, perimeter, territory)
    convention.perimeter = codes
    _audit(
        session,
        actor,
        f"convention {convention.number} : périmètre fixé à "
        f"[{_perimeter_text(convention.partner_type, codes, territory)}]",
    )
    return convention


def _usable_admins(session: Session, today: date) -> list[User]:
    """Active administrators whose MEL convention lets them in today."""
    admins = session.scalars(select(User).where(User.role == "admin", User.active.is_(True))).all()
    return [
        user
        for user in admins
        if user.convention.partner_type == "mel"
        and convention_denial(user.convention, today) is None
    ]


def check_can_revoke(
    session: Session, actor: Actor, convention: Convention, today: date | None = None
) -> None:
    """Refuse to revoke the administrator's own convention, or the one of the last
    administrators: nobody could then manage the portal from its page."""
    if convention.status == "revoked":
        raise ManagementError(f"La convention {convention.number} est déjà révoquée.")
    if actor.convention_number and convention.number == actor.convention_number:
        raise ManagementError(
            f"La convention {convention.number} est celle de votre compte : vous perdriez "
            "l'accès à l'administration. Demandez à un autre administrateur."
        )
    admins = _usable_admins(session, today or today_in_france())
    if admins and all(user.convention_id == convention.id for user in admins):
        raise ManagementError(
            f"La convention {convention.number} porte le dernier compte administrateur actif : "
            "la révoquer laisserait le portail sans administrateur."
        )


def check_can_deactivate(
    session: Session, actor: Actor, user: User, today: date | None = None
) -> None:
    """Refuse to deactivate oneself, or the last active administrator."""
    if not user.active:
        raise ManagementError(f"Le compte {user.email} est déjà désactivé.")
    if user.email == normalize_email(actor.email):
        raise ManagementError(
            "Vous ne pouvez pas désactiver votre propre compte : demandez à un autre "
            "administrateur."
        )
    admins = _usable_admins(session, today or today_in_france())
    if any(admin.id == user.id for admin in admins) and len(admins) == 1:
        raise ManagementError(
            f"{user.email} est le dernier administrateur actif : le désactiver laisserait "
            "le portail sans administrateur. Nommez d'abord un autre administrateur."
        )


def revoke_convention(session: Session, actor: Actor, number: str) -> Convention:
    convention = find_convention(session, number)
    check_can_revoke(session, actor, convention)
    convention.status = "revoked"
    convention.revoked_at = utcnow()
    _audit(session, actor, f"convention {convention.number} révoquée")
    return convention


def create_user(
    session: Session,
    actor: Actor,
    passwords: Passwords,
    *,
    email: str,
    display_name: str,
    convention_number: str,
    role: str,
    password: str,
    one_time: bool = True,
) -> User:
    """A new account. With `one_time` (an invitation), `password` must be replaced by one the
    user chooses at first login, within ONE_TIME_PASSWORD_LIFETIME; without it (the demo
    accounts), it is the user's own."""
    email = normalize_email(email)
    if not EMAIL.match(email):
        raise ManagementError(f"Adresse électronique invalide : {email!r}.")
    if not display_name.strip():
        raise ManagementError("Le nom de l'utilisateur est obligatoire.")
    if role not in ROLES:
        raise ManagementError(f"Rôle inconnu : {role!r} (attendu : {', '.join(ROLES)}).")
    convention = find_convention(session, convention_number)
    if role == "admin" and convention.partner_type != "mel":
        raise ManagementError("Le rôle administrateur est réservé aux conventions de la Métropole.")
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise ManagementError(f"Un utilisateur a déjà l'adresse {email}.")
    try:
        password_hash = passwords.hash(password, email=email)
    except WeakPassword as exc:
        raise ManagementError(str(exc)) from exc
    now = utcnow()
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=password_hash,
        convention=convention,
        role=role,
        active=True,
        failed_attempts=0,
        must_change_password=one_time,
        one_time_password_expires_at=now + ONE_TIME_PASSWORD_LIFETIME if one_time else None,
    )
    session.add(user)
    session.flush()
    kind = ", mot de passe provisoire 72 h" if one_time else ""
    _audit(
        session,
        actor,
        f"utilisateur {email} créé ({ROLE_LABELS[role]}, convention {convention.number}{kind})",
    )
    return user


def deactivate_user(session: Session, actor: Actor, email: str) -> User:
    user = find_user(session, email)
    check_can_deactivate(session, actor, user)
    user.active = False
    user.sessions_revoked_at = utcnow()
    _audit(session, actor, f"utilisateur {user.email} désactivé")
    return user


def reactivate_user(session: Session, actor: Actor, email: str) -> User:
    """The way back from a deactivation: the account may log in again (with its password;
    the sessions it had stay closed)."""
    user = find_user(session, email)
    if user.active:
        raise ManagementError(f"Le compte {user.email} est déjà actif.")
    user.active = True
    user.failed_attempts = 0
    user.locked_until = None
    _audit(session, actor, f"utilisateur {user.email} réactivé")
    return user


def unlock_user(session: Session, actor: Actor, email: str) -> User:
    user = find_user(session, email)
    user.locked_until = None
    user.failed_attempts = 0
    _audit(session, actor, f"utilisateur {user.email} déverrouillé")
    return user


def reset_password(session: Session, actor: Actor, passwords: Passwords, email: str) -> str:
    """Give `email` a new one-time password (returned, to be shown once): their sessions
    end, a lock is lifted, and they choose their own password at the next login."""
    user = find_user(session, email)
    password = one_time_password()
    now = utcnow()
    user.password_hash = passwords.hash(password)
    user.must_change_password = True
    user.one_time_password_expires_at = now + ONE_TIME_PASSWORD_LIFETIME
    user.locked_until = None
    user.failed_attempts = 0
    user.sessions_revoked_at = now
    _audit(session, actor, f"mot de passe de {user.email} réinitialisé (provisoire, 72 h)")
    return password
