"""The login, terms-of-use and logout pages (server-rendered, French)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, request
from flask_limiter import RequestLimit
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import update

from auth import sessions
from auth.access import LoggedInUser, auth_state, client_address, current_account, log_access
from auth.forms import LoginForm, TermsForm
from auth.login import authenticate
from auth.models import User, utcnow
from auth.navigation import safe_next, url
from auth.rules import today_in_france

RATE_LIMITED = (
    "Trop de tentatives de connexion depuis votre adresse : patientez une minute avant de "
    "réessayer."
)
FORM_EXPIRED = "Le formulaire a expiré : rechargez la page et réessayez."
LOGGED_OUT = "Vous êtes déconnecté."

blueprint = Blueprint(
    "auth",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/auth-static",
)


def render_login(
    form: LoginForm, message: str = "", status: int = 200, notice: str = ""
) -> tuple[str, int]:
    return render_template(
        "auth/login.html",
        form=form,
        message=message,
        notice=notice,
        next_target=safe_next(request.args.get("next")),
    ), status


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next(request.args.get("next")))
        return render_login(form, notice=sessions.pop_end_message())
    if not form.validate_on_submit():  # (a missing CSRF token stops earlier: csrf_failed)
        return render_login(
            form, "Saisissez votre adresse électronique et votre mot de passe.", 400
        )
    state = auth_state()
    outcome = authenticate(
        state.db,
        state.passwords,
        form.email.data or "",
        form.password.data or "",
        address=client_address(),
        now=utcnow(),
        today=today_in_france(),
    )
    if not outcome.succeeded:
        return render_login(form, outcome.message, 401)
    user = state.load_user(outcome.user_id)
    assert user is not None
    sessions.start(user)
    target = safe_next(request.args.get("next"))
    if user.record.terms_accepted_at is None:
        return redirect(url("conditions", next=target))
    return redirect(target)


@blueprint.route("/conditions", methods=["GET", "POST"])
def conditions() -> Response | tuple[str, int]:
    account: LoggedInUser = current_account()
    form = TermsForm()
    target = safe_next(request.args.get("next"))
    if request.method == "POST":
        if form.validate_on_submit():
            with auth_state().db.writing() as session:
                session.execute(
                    update(User)
                    .where(User.id == account.record.id)
                    .values(terms_accepted_at=utcnow())
                )
            return redirect(target)
        status = 400
    else:
        status = 200
    return render_template(
        "auth/conditions.html",
        form=form,
        convention=account.convention,
        accepted_at=account.record.terms_accepted_at,
        next_target=target,
    ), status


@blueprint.route("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        log_access("logout", "")
        with auth_state().db.writing() as session:
            session.execute(
                update(User)
                .where(User.id == current_account().record.id)
                .values(sessions_revoked_at=utcnow())
            )
    sessions.end(LOGGED_OUT)
    return redirect(url("login"))


def rate_limited(_limit: RequestLimit) -> Response:
    """Flask-Limiter's answer when one address tries to log in too often."""
    body, status = render_login(LoginForm(), RATE_LIMITED, 429)
    return Response(body, status=status, mimetype="text/html")


@blueprint.app_errorhandler(CSRFError)
def csrf_failed(_error: CSRFError) -> Response | tuple[str, int]:
    """A POST without its CSRF token: the form again, or a short answer to a script."""
    if request.endpoint == "auth.login":
        return render_login(LoginForm(), FORM_EXPIRED, 400)
    if (request.endpoint or "").split(".", 1)[0] in ("auth", "admin"):
        page = render_template("auth/message.html", title="Formulaire expiré", message=FORM_EXPIRED)
        return page, 400
    response = jsonify(error=FORM_EXPIRED)
    response.status_code = 400
    return response
