"""`flask --app app conventions|users|audit ...`: the admin page's changes, for scripts and setup.

A refused change prints why on stderr, exits with status 1 and changes nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth import management
from auth.access import scope_of, warehouse_territory
from auth.audit import export_since
from auth.management import CLI_ACTOR, ManagementError
from auth.models import PARTNER_TYPES, ROLES, Convention
from auth.scope import DATASETS
from auth.state import auth_state

conventions = AppGroup("conventions", help="Conventions d'accès : création, révocation, liste.")
users = AppGroup("users", help="Comptes utilisateurs.")
audit = AppGroup("audit", help="Journal d'audit.")


class IsoDate(click.ParamType):
    name = "AAAA-MM-JJ"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"date invalide {value!r} : attendu AAAA-MM-JJ", param, ctx)


ISO_DATE = IsoDate()


def _codes(raw: str) -> list[str]:
    return [code for code in raw.split(",") if code.strip()]


def _run(done: str, change: Callable[[Session], str]) -> None:
    """Apply `change` in one transaction; print `done` with the name it returns, or why not."""
    try:
        with auth_state().db.writing() as session:
            name = change(session)
    except ManagementError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        sys.exit(1)
    click.echo(done.format(name))


@conventions.command("create")
@click.option("--number", required=True)
@click.option("--partner", required=True)
@click.option("--type", "partner_type", required=True, type=click.Choice(PARTNER_TYPES))
@click.option(
    "--perimeter",
    default="",
    help=(
        "codes séparés par des virgules : communes (INSEE) ou bailleur ; obligatoire pour "
        "une commune ou un bailleur, vide pour les autres"
    ),
)
@click.option(
    "--datasets",
    default=",".join(DATASETS),
    help=f"thèmes accordés, séparés par des virgules, parmi : {', '.join(DATASETS)}",
)
@click.option("--signed-on", required=True, type=ISO_DATE)
@click.option("--valid-from", required=True, type=ISO_DATE)
@click.option("--valid-until", required=True, type=ISO_DATE)
@click.option("--signatory", default="")
def create_convention(
    number: str,
    partner: str,
    partner_type: str,
    perimeter: str,
    datasets: str,
    signed_on: date,
    valid_from: date,
    valid_until: date,
    signatory: str,
) -> None:
    """Créer une convention signée."""
    _run(
        "Convention {} créée.",
        lambda session: (
            management.create_convention(
                session,
                CLI_ACTOR,
                number=number,
                partner_name=partner,
                partner_type=partner_type,
                perimeter=_codes(perimeter),
                datasets=_codes(datasets),
                signed_on=signed_on,
                valid_from=valid_from,
                valid_until=valid_until,
                signatory=signatory,
                territory=warehouse_territory(),
            ).number
        ),
    )


@conventions.command("revoke")
@click.argument("number")
def revoke_convention(number: str) -> None:
    """Révoquer une convention : ses utilisateurs perdent l'accès à la requête suivante."""
    _run(
        "Convention {} révoquée.",
        lambda session: management.revoke_convention(session, CLI_ACTOR, number).number,
    )


@conventions.command("renew")
@click.argument("number")
@click.option("--valid-until", required=True, type=ISO_DATE)
def renew_convention(number: str, valid_until: date) -> None:
    """Prolonger la validité d'une convention, ou rétablir une convention révoquée."""

    def change(session: Session) -> str:
        revoked = management.find_convention(session, number).status == "revoked"
        renewed = management.renew_convention(session, CLI_ACTOR, number, valid_until)
        return f"{renewed.number} {'rétablie' if revoked else 'renouvelée'}"

    _run("Convention {}.", change)


@conventions.command("set-perimeter")
@click.argument("number")
@click.option("--perimeter", required=True, help="codes séparés par des virgules")
def set_perimeter(number: str, perimeter: str) -> None:
    """Nommer le périmètre d'une convention de commune ou de bailleur qui n'en a pas."""
    _run(
        "Périmètre de la convention {} fixé.",
        lambda session: (
            management.set_perimeter(
                session, CLI_ACTOR, number, _codes(perimeter), warehouse_territory()
            ).number
        ),
    )


@conventions.command("perimeters")
def combined_perimeters() -> None:
    """Écrire (JSON) les périmètres de plusieurs communes ou bailleurs, que la construction
    de l'entrepôt vérifie ensemble (`python -m data.pipeline build --perimeters`)."""
    with auth_state().db.reading() as session:
        rows = list(session.scalars(select(Convention).where(Convention.revoked_at.is_(None))))
    combined = {
        scope.combined_perimeter: sorted(scope.single_perimeters)
        for scope in map(scope_of, rows)
        if scope.combined_perimeter
    }
    click.echo(json.dumps([combined[key] for key in sorted(combined)], indent=1))


@conventions.command("list")
def list_conventions() -> None:
    """Lister les conventions."""
    with auth_state().db.reading() as session:
        rows = list(session.scalars(select(Convention).order_by(Convention.number)))
    click.echo("numéro\tpartenaire\ttype\tstatut\tdébut\tfin\tpérimètre\tdonnées")
    for c in rows:
        click.echo(
            f"{c.number}\t{c.partner_name}\t{c.partner_type}\t{c.status}\t"
            f"{c.valid_from.isoformat()}\t{c.valid_until.isoformat()}\t{c.perimeter}\t{c.datasets}"
        )


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--convention", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--password-stdin", is_flag=True, required=True, help="lire le mot de passe sur stdin"
)
def create_user(email: str, name: str, convention: str, role: str, password_stdin: bool) -> None:
    """Créer un compte ; le mot de passe, provisoire (72 h), est lu sur l'entrée standard :
    l'utilisateur choisit le sien à sa première connexion."""
    if not password_stdin:
        raise click.UsageError(
            "--password-stdin est obligatoire (jamais de mot de passe en argument)"
        )
    password = sys.stdin.readline().rstrip("\r\n")
    _run(
        "Utilisateur {} créé.",
        lambda session: (
            management.create_user(
                session,
                CLI_ACTOR,
                auth_state().passwords,
                email=email,
                display_name=name,
                convention_number=convention,
                role=role,
                password=password,
            ).email
        ),
    )


@users.command("reset-password")
@click.argument("email")
def reset_password(email: str) -> None:
    """Donner un nouveau mot de passe provisoire (72 h), affiché une fois ; l'utilisateur
    choisit le sien à la connexion suivante."""
    issued: list[str] = []

    def change(session: Session) -> str:
        issued.append(management.reset_password(session, CLI_ACTOR, auth_state().passwords, email))
        return management.normalize_email(email)

    _run("Mot de passe de {} réinitialisé.", change)
    click.echo(f"Mot de passe provisoire (72 heures) : {issued[0]}")


@users.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Désactiver un compte."""
    _run(
        "Utilisateur {} désactivé.",
        lambda session: management.deactivate_user(session, CLI_ACTOR, email).email,
    )


@users.command("reactivate")
@click.argument("email")
def reactivate_user(email: str) -> None:
    """Réactiver un compte désactivé."""
    _run(
        "Utilisateur {} réactivé.",
        lambda session: management.reactivate_user(session, CLI_ACTOR, email).email,
    )


@users.command("unlock")
@click.argument("email")
def unlock_user(email: str) -> None:
    """Déverrouiller un compte après des échecs de connexion."""
    _run(
        "Utilisateur {} déverrouillé.",
        lambda session: management.unlock_user(session, CLI_ACTOR, email).email,
    )


@audit.command("export")
@click.option("--since", required=True, type=ISO_DATE)
def export_audit(since: date) -> None:
    """Exporter le journal d'audit en CSV depuis une date (UTC)."""
    with auth_state().db.reading() as session:
        click.echo(export_since(session, since), nl=False)


def register(server: Flask) -> None:
    for group in (conventions, users, audit):
        server.cli.add_command(group)
