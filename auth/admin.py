"""The administration page: conventions, users, audit log (role admin on a MEL convention)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date

from flask import (
    Blueprint,
    Response,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth import management
from auth.access import auth_state, client_address, current_account, log_access
from auth.audit import AuditFilter, list_events
from auth.forms import ActionForm, ConventionForm, InviteForm, RenewForm, SignForm
from auth.management import Actor, ManagementError
from auth.models import (
    AUDIT_ACTION_LABELS,
    CONVENTION_STATUS_LABELS,
    PARTNER_TYPE_LABELS,
    ROLE_LABELS,
    Convention,
    User,
    utcnow,
)
from auth.navigation import url
from auth.rules import today_in_france

blueprint = Blueprint("admin", __name__, template_folder="templates")
FORBIDDEN = "Cette page est réservée aux administrateurs de la Métropole."


@blueprint.before_request
def require_admin() -> tuple[str, int] | None:
    if current_account().is_admin:
        return None
    log_access("access_denied", f"page d'administration ({request.path})")
    return render_template("auth/message.html", title="Accès refusé", message=FORBIDDEN), 403


def _actor() -> Actor:
    account = current_account()
    return Actor(account.email, account.convention.number, client_address())


def _parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _audit_filter() -> AuditFilter:
    args = request.args
    return AuditFilter(
        action=args.get("action", "") if args.get("action") in AUDIT_ACTION_LABELS else "",
        user_email=args.get("email", "").strip(),
        convention_number=args.get("convention", "").strip(),
        since=_parse_day(args.get("since")),
        until=_parse_day(args.get("until")),
    )


def render_admin(
    message: str = "", error: str = "", status: int = 200, **forms: object
) -> tuple[str, int]:
    audit_filter = _audit_filter()
    with auth_state().db.reading() as session:
        conventions = list(session.scalars(select(Convention).order_by(Convention.number)))
        users = list(session.scalars(select(User).order_by(User.email)))
        events = list_events(session, audit_filter, limit=200)
    invite = forms.get("invite_form") or InviteForm()
    invite.convention.choices = [(c.number, f"{c.number} — {c.partner_name}") for c in conventions]
    return render_template(
        "auth/admin.html",
        message=message,
        error=error,
        conventions=conventions,
        users=users,
        events=events,
        audit_filter=audit_filter,
        convention_form=forms.get("convention_form") or ConventionForm(),
        invite_form=invite,
        action_form=ActionForm(),
        sign_form=SignForm(),
        renew_form=RenewForm(),
        partner_labels=PARTNER_TYPE_LABELS,
        status_labels=CONVENTION_STATUS_LABELS,
        role_labels=ROLE_LABELS,
        action_labels=AUDIT_ACTION_LABELS,
        account=current_account(),
        today=today_in_france(),
        now=utcnow(),
    ), status


def _apply(done: str, change: Callable[[Session], str]) -> Response | tuple[str, int]:
    """Run one change in a transaction; on a refusal, show why and change nothing.

    `change` returns the name of what it changed, put into the `done` message.
    """
    try:
        with auth_state().db.writing() as session:
            name = change(session)
    except ManagementError as exc:
        return render_admin(error=str(exc), status=400)
    # Shown once by the next page (kept in the session, not echoed from the URL).
    flash(done.format(name))
    return redirect(url("admin"))


def _form_error(form: object) -> tuple[str, int]:
    errors = getattr(form, "errors", {})
    details = "; ".join(f"{', '.join(messages)}" for messages in errors.values())
    return render_admin(error=f"Formulaire incomplet : {details}", status=400)


@blueprint.get("")
def index() -> tuple[str, int]:
    return render_admin(message=" ".join(get_flashed_messages()))


@blueprint.post("/conventions")
def create_convention() -> Response | tuple[str, int]:
    form = ConventionForm()
    if not form.validate_on_submit():
        return _form_error(form)

    def change(session: Session) -> str:
        convention = management.create_convention(
            session,
            _actor(),
            number=form.number.data or "",
            partner_name=form.partner_name.data or "",
            partner_type=form.partner_type.data or "",
            perimeter=(form.perimeter.data or "").split(","),
            datasets=form.datasets.data or [],
            signatory=form.signatory.data or "",
            signed_on=form.signed_on.data,
            valid_from=form.valid_from.data,
            valid_until=form.valid_until.data,
        )
        return convention.number

    return _apply("Convention {} créée.", change)


@blueprint.post("/conventions/<number>/sign")
def sign_convention(number: str) -> Response | tuple[str, int]:
    form = SignForm()
    if not form.validate_on_submit():
        return _form_error(form)
    return _apply(
        "Convention {} signée.",
        lambda session: (
            management.sign_convention(
                session, _actor(), number, form.signed_on.data, form.signatory.data or ""
            ).number
        ),
    )


@blueprint.post("/conventions/<number>/renew")
def renew_convention(number: str) -> Response | tuple[str, int]:
    form = RenewForm()
    if not form.validate_on_submit():
        return _form_error(form)
    return _apply(
        "Convention {} renouvelée.",
        lambda session: (
            management.renew_convention(session, _actor(), number, form.valid_until.data).number
        ),
    )


@blueprint.post("/conventions/<number>/revoke")
def revoke_convention(number: str) -> Response | tuple[str, int]:
    if not ActionForm().validate_on_submit():
        return _form_error(ActionForm())
    return _apply(
        "Convention {} révoquée.",
        lambda session: management.revoke_convention(session, _actor(), number).number,
    )


@blueprint.post("/users")
def invite_user() -> Response | tuple[str, int]:
    form = InviteForm()
    with auth_state().db.reading() as session:
        form.convention.choices = [
            (number, number) for number in session.scalars(select(Convention.number))
        ]
    if not form.validate_on_submit():
        return _form_error(form)
    # A one-time password shown once to the administrator, who hands it over securely.
    password = secrets.token_urlsafe(12)
    try:
        with auth_state().db.writing() as session:
            user = management.create_user(
                session,
                _actor(),
                auth_state().passwords,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                convention_number=form.convention.data or "",
                role=form.role.data or "",
                password=password,
            )
            email = user.email
    except ManagementError as exc:
        return render_admin(error=str(exc), status=400, invite_form=form)
    return render_admin(
        message=(
            f"Compte {email} créé. Mot de passe provisoire, affiché une seule fois : "
            f"{password} — transmettez-le par un canal sûr ; il expire dans 72 heures et "
            "l'utilisateur choisira le sien à sa première connexion."
        )
    )


@blueprint.post("/users/<int:user_id>/reset-password")
def reset_password(user_id: int) -> Response | tuple[str, int]:
    """A new one-time password, shown once: the user chooses their own at the next login."""
    if not ActionForm().validate_on_submit():
        return _form_error(ActionForm())
    try:
        with auth_state().db.writing() as session:
            user = session.get(User, user_id)
            if user is None:
                raise ManagementError("Utilisateur introuvable.")
            email = user.email
            password = management.reset_password(session, _actor(), auth_state().passwords, email)
    except ManagementError as exc:
        return render_admin(error=str(exc), status=400)
    return render_admin(
        message=(
            f"Mot de passe de {email} réinitialisé. Mot de passe provisoire, affiché une seule "
            f"fois : {password} — transmettez-le par un canal sûr ; il expire dans 72 heures."
        )
    )


@blueprint.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int) -> Response | tuple[str, int]:
    return _user_change(user_id, management.deactivate_user, "désactivé")


@blueprint.post("/users/<int:user_id>/unlock")
def unlock_user(user_id: int) -> Response | tuple[str, int]:
    return _user_change(user_id, management.unlock_user, "déverrouillé")


def _user_change(
    user_id: int, operation: Callable[[Session, Actor, str], User], done: str
) -> Response | tuple[str, int]:
    if not ActionForm().validate_on_submit():
        return _form_error(ActionForm())

    def change(session: Session) -> str:
        user = session.get(User, user_id)
        if user is None:
            raise ManagementError("Utilisateur introuvable.")
        return operation(session, _actor(), user.email).email

    return _apply(f"Compte {{}} {done}.", change)
