"""Demo conventions and users, one per profile (ATLAS_ENV=demo only), and their table.

`python -m auth.demo_accounts` seeds them and prints the table (`make run` does it);
the app seeds them too when it starts in demo mode. Seeding is idempotent and runs under
the process lock, so two gunicorn workers starting together create each row once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from auth.db import Database
from auth.management import Actor, create_convention, create_user
from auth.models import Convention, User
from auth.passwords import Passwords, make_hasher
from auth.scope import DATASETS
from config import ConfigError, Settings, load_settings

DEMO_PASSWORD = "atlas-demo-2021"
DEMO_ACTOR = Actor(email="demo-seed")
VALID_FROM = date(2021, 1, 1)
VALID_UNTIL = date(2030, 12, 31)


@dataclass(frozen=True)
class DemoConvention:
    number: str
    partner_name: str
    partner_type: str
    perimeter: tuple[str, ...]
    datasets: tuple[str, ...]
    signed_on: date
    valid_from: date = VALID_FROM
    valid_until: date = VALID_UNTIL


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    role: str
    convention: DemoConvention
    profile: str


MEL = DemoConvention(
    "CONV-2021-001", "Métropole Européenne de Lille", "mel", (), DATASETS, date(2020, 12, 14)
)
CAPINGHEM = DemoConvention(
    "CONV-2021-011", "Commune de Capinghem", "commune", ("59128",), DATASETS, date(2021, 2, 3)
)
ROUBAIX = DemoConvention(
    "CONV-2021-012", "Ville de Roubaix", "commune", ("59512",), DATASETS, date(2021, 2, 17)
)
VILOGIA = DemoConvention(
    "CONV-2022-021",
    "Vilogia",
    "bailleur",
    ("900000002",),
    ("parc", "occupation", "diagnostic", "equipements"),
    date(2021, 11, 30),
)
ETAT = DemoConvention(
    "CONV-2021-031", "DDTM du Nord (État)", "etat", (), DATASETS, date(2021, 3, 9)
)
TOURCOING = DemoConvention(
    "CONV-2020-041",
    "Ville de Tourcoing",
    "commune",
    ("59599",),
    DATASETS,
    date(2019, 12, 16),
    valid_from=date(2020, 1, 1),
    valid_until=date(2025, 12, 31),
)

DEMO_USERS = (
    DemoUser(
        "mel-admin@atlas-demo.fr",
        "Administratrice MEL (démo)",
        "admin",
        MEL,
        "administrateur de la Métropole",
    ),
    DemoUser(
        "capinghem@atlas-demo.fr",
        "Service logement de Capinghem (démo)",
        "preparer",
        CAPINGHEM,
        "commune (Capinghem, 59128)",
    ),
    DemoUser(
        "roubaix@atlas-demo.fr",
        "Service habitat de Roubaix (démo)",
        "preparer",
        ROUBAIX,
        "grande commune (Roubaix, 59512)",
    ),
    DemoUser(
        "vilogia@atlas-demo.fr",
        "Chargée d'attribution Vilogia (démo)",
        "preparer",
        VILOGIA,
        "bailleur social (Vilogia)",
    ),
    DemoUser("etat@atlas-demo.fr", "DDTM du Nord (démo)", "reader", ETAT, "État"),
    DemoUser(
        "expire@atlas-demo.fr",
        "Ville de Tourcoing (démo)",
        "reader",
        TOURCOING,
        "convention expirée (refus)",
    ),
)


def _seed_convention(session: Session, convention: DemoConvention) -> int:
    number = convention.number
    existing = session.scalar(select(Convention).where(Convention.number == number))
    if existing is not None:
        return _grant_new_themes(existing, convention)
    create_convention(
        session,
        DEMO_ACTOR,
        number=number,
        partner_name=convention.partner_name,
        partner_type=convention.partner_type,
        valid_from=convention.valid_from,
        valid_until=convention.valid_until,
        signed_on=convention.signed_on,
        perimeter=convention.perimeter,
        datasets=convention.datasets,
        signatory="Signataire de démonstration",
    )
    return 1


def _grant_new_themes(existing: Convention, convention: DemoConvention) -> int:
    """A demo database made by an older version lacks the themes added since: the demo
    convention gets them (nothing it has is taken away)."""
    missing = set(convention.datasets) - existing.dataset_names
    if not missing:
        return 0
    existing.datasets = ",".join(sorted(existing.dataset_names | missing))
    return 1


def _seed_user(session: Session, passwords: Passwords, demo: DemoUser) -> int:
    if session.scalar(select(User.id).where(User.email == demo.email)) is not None:
        return 0
    create_user(
        session,
        DEMO_ACTOR,
        passwords,
        email=demo.email,
        display_name=demo.display_name,
        convention_number=demo.convention.number,
        role=demo.role,
        password=DEMO_PASSWORD,
        # Demo passwords are published in the README: no first-login change, so that
        # anyone can try each profile with them.
        one_time=False,
    )
    return 1


def seed_demo_accounts(db: Database, passwords: Passwords) -> int:
    """Create the demo conventions and users that do not exist yet, and grant the demo
    conventions the themes added since they were; returns how many rows changed."""
    created = 0
    with db.exclusive():
        for demo in DEMO_USERS:
            try:
                with db.writing() as session:
                    created += _seed_convention(session, demo.convention)
                    created += _seed_user(session, passwords, demo)
            except IntegrityError:
                # Another machine seeded the same row between our check and our insert.
                continue
    return created


def demo_table() -> str:
    lines = [
        f"Comptes de démonstration (mot de passe pour tous : {DEMO_PASSWORD})",
        f"  {'adresse':<26} {'rôle':<9} {'convention':<14} profil",
    ]
    for demo in DEMO_USERS:
        lines.append(
            f"  {demo.email:<26} {demo.role:<9} {demo.convention.number:<14} {demo.profile}"
        )
    return "\n".join(lines)


def main(settings: Settings | None = None) -> int:
    try:
        settings = settings or load_settings()
    except ConfigError as exc:
        print(f"Configuration invalide : {exc}", file=sys.stderr)
        return 2
    if not settings.is_demo:
        print("Les comptes de démonstration n'existent qu'avec ATLAS_ENV=demo.", file=sys.stderr)
        return 2
    db = Database(settings.effective_database_url, settings.var_dir / "atlas-auth.lock")
    db.upgrade()
    seed_demo_accounts(db, Passwords(make_hasher(settings.env)))
    db.dispose()
    print(demo_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
