"""The administration page: conventions, users, audit log (role admin on a MEL convention)."""

from __future__ import annotations

import re
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
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth import management
from auth.access import (
    client_address,
    current_account,
    log_access,
    residence_labels,
    scope_of,
    unchecked_perimeters,
    warehouse_territory,
)
from auth.audit import AuditFilter, events_as_french_csv, list_events
from auth.dates import french_date, today_in_france
from auth.forms import (
    CONFIRMED,
    ActionForm,
    ConfirmForm,
    ConventionForm,
    InviteForm,
    PerimeterForm,
    RenewForm,
    SignForm,
)
from auth.management import Actor, ManagementError
from auth.models import (
    AUDIT_ACTION_LABELS,
    CONVENTION_STATUS_LABELS,
    PARTNER_TYPE_LABELS,
    ROLE_LABELS,
    AuditEvent,
    Convention,
    User,
    utcnow,
)
from auth.navigation import url
from auth.scope import perimeter_label
from auth.state import auth_state
from data.catalog import THEMES
from data.scope import Territory

blueprint = Blueprint("admin", __name__, template_folder="templates")
FORBIDDEN = "Cette page est réservée aux administrateurs de la Métropole."
AUDIT_PAGE_ROWS = 200


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


# "périmètre [59128,59350]" in the admin changes of the log (lines written by the demo
# seeding or the command line without a warehouse, or by an older version).
PERIMETER_CODES = re.compile(r"périmètre \[([0-9A-Z]+(?:,[0-9A-Z]+)*)\]")


def describe_event(event: AuditEvent, residences: dict[str, str], territory: Territory) -> str:
    """The object of an audit line as the administrator reads it: a residence sheet by the
    residence's name and address, a perimeter by the names of its communes or landlord
    (the codes kept in brackets)."""
    if event.action == "residence_view" and event.object in residences:
        return f"{residences[event.object]} ({event.object})"
    if event.action == "admin_change":

        def named(match: re.Match[str]) -> str:
            codes = match.group(1).split(",")
            names = [
                f"{territory.communes.get(code) or territory.landlords.get(code)} ({code})"
                if code in territory.communes or code in territory.landlords
                else code
                for code in codes
            ]
            return f"périmètre [{', '.join(names)}]"

        return PERIMETER_CODES.sub(named, event.object)
    return event.object


def _residences_of(events: list[AuditEvent]) -> dict[str, str]:
    return residence_labels([e.object for e in events if e.action == "residence_view"])


def _perimeters(conventions: list[Convention], territory: Territory) -> dict[str, str]:
    return {
        c.number: perimeter_label(c.partner_type, c.perimeter_codes, territory) for c in conventions
    }


def render_admin(
    message: str = "", error: str = "", status: int = 200, **forms: object
) -> tuple[str, int]:
    audit_filter = _audit_filter()
    with auth_state().db.reading() as session:
        conventions = list(session.scalars(select(Convention).order_by(Convention.number)))
        users = list(session.scalars(select(User).order_by(User.email)))
        events = list_events(session, audit_filter, limit=AUDIT_PAGE_ROWS)
    invite = forms.get("invite_form") or InviteForm()
    invite.convention.choices = [(c.number, f"{c.number} — {c.partner_name}") for c in conventions]
    territory = warehouse_territory() or Territory()
    residences = _residences_of(events)
    return render_template(
        "auth/admin.html",
        message=message,
        error=error,
        conventions=conventions,
        users=users,
        events=events,
        event_objects={e.id: describe_event(e, residences, territory) for e in events},
        audit_rows=AUDIT_PAGE_ROWS,
        audit_filter=audit_filter,
        audit_query=_audit_query(audit_filter),
        perimeters=_perimeters(conventions, territory),
        missing_perimeters=[c for c in conventions if scope_of(c).perimeter_missing],
        unchecked_perimeters=unchecked_perimeters([c for c in conventions if c.revoked_at is None]),
        convention_form=forms.get("convention_form") or ConventionForm(),
        invite_form=invite,
        action_form=ActionForm(),
        sign_form=SignForm(),
        renew_form=RenewForm(),
        perimeter_form=PerimeterForm(),
        partner_labels=PARTNER_TYPE_LABELS,
        status_labels=CONVENTION_STATUS_LABELS,
        role_labels=ROLE_LABELS,
        action_labels=AUDIT_ACTION_LABELS,
        theme_labels=THEMES,
        account=current_account(),
        today=today_in_france(),
        now=utcnow(),
    ), status


def _audit_query(audit_filter: AuditFilter) -> dict[str, str]:
    """The page's audit filters as query arguments (for the CSV download link)."""
    values = {
        "action": audit_filter.action,
        "email": audit_filter.user_email,
        "convention": audit_filter.convention_number,
        "since": audit_filter.since.isoformat() if audit_filter.since else "",
        "until": audit_filter.until.isoformat() if audit_filter.until else "",
    }
    return {key: value for key, value in values.items() if value}


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


def _form_error(form: FlaskForm) -> tuple[str, int]:
    """Why a form was refused, in French, field by field ("Valide du : N'est pas une date
    valide.")."""
    details = []
    for name, messages in form.errors.items():
        field = getattr(form, name, None)
        label = field.label.text if field is not None and field.label else name
        details.append(f"{label} : {' '.join(str(m) for m in messages)}")
    return render_admin(error=f"Formulaire incomplet. {' ; '.join(details)}", status=400)


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
            territory=warehouse_territory(),
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
    """Move the end of validity later, or reinstate a revoked convention."""
    form = RenewForm()
    if not form.validate_on_submit():
        return _form_error(form)

    def change(session: Session) -> str:
        revoked = management.find_convention(session, number).status == "revoked"
        convention = management.renew_convention(session, _actor(), number, form.valid_until.data)
        done = "rétablie" if revoked else "renouvelée"
        return f"{convention.number} {done} jusqu'au {french_date(convention.valid_until)}"

    return _apply("Convention {}.", change)


@blueprint.post("/conventions/<number>/perimeter")
def set_perimeter(number: str) -> Response | tuple[str, int]:
    form = PerimeterForm()
    if not form.validate_on_submit():
        return _form_error(form)
    return _apply(
        "Périmètre de la convention {} fixé.",
        lambda session: (
            management.set_perimeter(
                session,
                _actor(),
                number,
                (form.perimeter.data or "").split(","),
                warehouse_territory(),
            ).number
        ),
    )


def render_confirmation(
    title: str, consequences: list[str], action: str, button: str, refusal: str = ""
) -> tuple[str, int]:
    """The page between a button and a change that closes access: what will happen, and a
    button that does it (or, when the change would be refused, why)."""
    return render_template(
        "auth/confirm.html",
        title=title,
        consequences=consequences,
        action=action,
        button=button,
        refusal=refusal,
        form=ConfirmForm(),
        confirmed=CONFIRMED,
        account=current_account(),
    ), 200 if not refusal else 400


def _convention_users(session: Session, convention: Convention) -> list[str]:
    return list(
        session.scalars(
            select(User.email)
            .where(User.convention_id == convention.id, User.active.is_(True))
            .order_by(User.email)
        )
    )


@blueprint.get("/conventions/<number>/revoke")
def confirm_revoke(number: str) -> Response | tuple[str, int]:
    with auth_state().db.reading() as session:
        try:
            convention = management.find_convention(session, number)
        except ManagementError as exc:
            return render_admin(error=str(exc), status=404)
        emails = _convention_users(session, convention)
        try:
            management.check_can_revoke(session, _actor(), convention)
            refusal = ""
        except ManagementError as exc:
            refusal = str(exc)
        name = f"{convention.number} ({convention.partner_name})"
    if len(emails) > 1:
        accounts = (
            f"Ses {len(emails)} comptes actifs perdent l'accès dès leur prochaine page, "
            f"sessions ouvertes comprises : {', '.join(emails)}."
        )
    elif emails:
        accounts = (
            f"Son compte actif perd l'accès dès sa prochaine page, session ouverte comprise : "
            f"{emails[0]}."
        )
    else:
        accounts = "Elle n'a aucun compte actif."
    return render_confirmation(
        f"Révoquer la convention {name} ?",
        [
            accounts,
            "La révocation est inscrite au journal d'audit.",
            "Pour revenir en arrière : « Rétablir » sur la ligne de la convention, avec une "
            "nouvelle fin de validité.",
        ],
        url(f"admin/conventions/{convention.number}/revoke"),
        "Révoquer la convention",
        refusal,
    )


@blueprint.post("/conventions/<number>/revoke")
def revoke_convention(number: str) -> Response | tuple[str, int]:
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _form_error(form)
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


@blueprint.get("/users/<int:user_id>/deactivate")
def confirm_deactivate(user_id: int) -> Response | tuple[str, int]:
    with auth_state().db.reading() as session:
        user = session.get(User, user_id)
        if user is None:
            return render_admin(error=UNKNOWN_USER, status=404)
        try:
            management.check_can_deactivate(session, _actor(), user)
            refusal = ""
        except ManagementError as exc:
            refusal = str(exc)
        name = f"{user.display_name} ({user.email}, convention {user.convention.number})"
    return render_confirmation(
        f"Désactiver le compte de {name} ?",
        [
            "Ce compte ne peut plus se connecter ; ses sessions ouvertes se ferment dès leur "
            "prochaine page.",
            "La désactivation est inscrite au journal d'audit.",
            "Pour revenir en arrière : « Réactiver » sur la ligne du compte.",
        ],
        url(f"admin/users/{user_id}/deactivate"),
        "Désactiver le compte",
        refusal,
    )


@blueprint.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int) -> Response | tuple[str, int]:
    return _user_change(user_id, management.deactivate_user, "désactivé", ConfirmForm())


@blueprint.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id: int) -> Response | tuple[str, int]:
    return _user_change(user_id, management.reactivate_user, "réactivé", ActionForm())


@blueprint.post("/users/<int:user_id>/unlock")
def unlock_user(user_id: int) -> Response | tuple[str, int]:
    return _user_change(user_id, management.unlock_user, "déverrouillé", ActionForm())


UNKNOWN_USER = "Utilisateur introuvable."


def _user_change(
    user_id: int,
    operation: Callable[[Session, Actor, str], User],
    done: str,
    form: FlaskForm,
) -> Response | tuple[str, int]:
    if not form.validate_on_submit():
        return _form_error(form)

    def change(session: Session) -> str:
        user = session.get(User, user_id)
        if user is None:
            raise ManagementError(UNKNOWN_USER)
        return operation(session, _actor(), user.email).email

    return _apply(f"Compte {{}} {done}.", change)


@blueprint.get("/audit.csv")
def export_audit() -> Response:
    """The audit log with the page's filters, as a CSV file (every matching line, not only
    the page's last ones); the export is itself written to the log."""
    audit_filter = _audit_filter()
    with auth_state().db.reading() as session:
        statement = audit_filter.query().order_by(AuditEvent.at, AuditEvent.id)
        events = list(session.scalars(statement))
    residences = _residences_of(events)
    territory = warehouse_territory() or Territory()
    body = events_as_french_csv(events, lambda event: describe_event(event, residences, territory))
    filters = ", ".join(f"{key}={value}" for key, value in _audit_query(audit_filter).items())
    log_access(
        "export",
        f"journal d'audit en CSV : {len(events)} lignes ({filters or 'sans filtre'})",
    )
    day = today_in_france().isoformat()
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="journal-audit-{day}.csv"',
            "Cache-Control": "no-store",
        },
    )
