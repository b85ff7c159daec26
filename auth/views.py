"""The login, password, terms-of-use and logout pages (server-rendered, French)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    get_flashed_messages,
    jsonify,
    redirect,
    render_template,
    request,
)
from flask_limiter import RequestLimit
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import update

from auth import sessions
from auth.access import LoggedInUser, client_address, current_account, load_user, log_access
from auth.audit import record_event
from auth.dates import today_in_france
from auth.forms import ActionForm, ChangePasswordForm, LoginForm, TermsForm
from auth.login import RATE_LIMITED_ADDRESS, authenticate
from auth.models import User, utcnow
from auth.navigation import safe_next, url
from auth.passwords import WeakPassword, check_strength
from auth.state import auth_state
from auth.throttle import LimitReached, mark_succeeded

RATE_LIMITED = RATE_LIMITED_ADDRESS
FORM_EXPIRED = "Le formulaire a expiré : rechargez la page et réessayez."
LOGGED_OUT = "Vous êtes déconnecté."
PASSWORD_CHANGED = "Votre mot de passe a été changé."
CHOOSE_YOUR_PASSWORD = (
    "Vous vous connectez avec un mot de passe provisoire : choisissez maintenant votre "
    "propre mot de passe."
)
WRONG_CURRENT_PASSWORD = "Le mot de passe actuel est incorrect."

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
        state.throttle,
        form.email.data or "",
        form.password.data or "",
        address=client_address(),
        now=utcnow(),
        today=today_in_france(),
    )
    if not outcome.succeeded:
        return render_login(form, outcome.message, outcome.status)
    user = load_user(outcome.user_id)
    assert user is not None
    sessions.start(user)
    target = safe_next(request.args.get("next"))
    if outcome.must_change_password:
        return redirect(url("password", next=target))
    if user.record.terms_accepted_at is None:
        return redirect(url("conditions", next=target))
    return redirect(target)


def _password_problem(form: ChangePasswordForm, account: LoggedInUser) -> str:
    """What is wrong with the submitted change (French), "" when it may be made. The
    current password is checked first, through the login rate limit of the account."""
    if not form.validate_on_submit():
        return "Remplissez les trois champs."
    state = auth_state()
    admission = state.throttle.admit(state.db, client_address(), account.email, utcnow())
    if admission.attempt_id is None:
        return (
            RATE_LIMITED_ADDRESS
            if admission.refusal is LimitReached.ADDRESS
            else "Trop de tentatives sur ce compte : patientez avant de réessayer."
        )
    with state.db.reading() as session:
        current_hash = session.get(User, account.record.id).password_hash  # type: ignore[union-attr]
    if not state.passwords.verify(current_hash, form.current.data or ""):
        return WRONG_CURRENT_PASSWORD
    with state.db.writing() as session:
        mark_succeeded(session, admission.attempt_id)  # not a guess: it stops counting
    new = form.new.data or ""
    if new != form.confirm.data:
        return "Les deux saisies du nouveau mot de passe diffèrent."
    if new == form.current.data:
        return "Le nouveau mot de passe doit différer de l'actuel."
    try:
        check_strength(new, email=account.email)
    except WeakPassword as exc:
        return str(exc)
    return ""


@blueprint.route("/password", methods=["GET", "POST"])
def change_password() -> Response | tuple[str, int]:
    """'Changer mon mot de passe': current password, then the new one twice. Also the
    first page of a user who logged in with a one-time password."""
    account: LoggedInUser = current_account()
    form = ChangePasswordForm()
    target = safe_next(request.args.get("next"))
    forced = account.record.must_change_password
    error, status = "", 200
    if request.method == "POST":
        error = _password_problem(form, account)
        if not error:
            state = auth_state()
            now = utcnow()
            with state.db.writing() as session:
                session.execute(
                    update(User)
                    .where(User.id == account.record.id)
                    .values(
                        password_hash=state.passwords.hasher.hash(form.new.data or ""),
                        must_change_password=False,
                        one_time_password_expires_at=None,
                        # Every other session of the account ends; this one goes on.
                        sessions_revoked_at=now,
                    )
                )
                record_event(
                    session,
                    "password_change",
                    user_email=account.email,
                    convention_number=account.convention.number,
                    obj="mot de passe choisi" if forced else "mot de passe changé",
                    client_address=client_address(),
                )
            refreshed = load_user(account.record.id)
            assert refreshed is not None
            sessions.start(refreshed)
            if refreshed.record.terms_accepted_at is None:
                return redirect(url("conditions", next=target))
            if forced:
                return redirect(target)
            flash(PASSWORD_CHANGED)
            return redirect(url("password", next=target))
        status = 400
    return render_template(
        "auth/password.html",
        form=form,
        error=error,
        forced=forced,
        notice=CHOOSE_YOUR_PASSWORD if forced else " ".join(get_flashed_messages()),
        next_target=target,
        logout_form=ActionForm(),
    ), status


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
        logout_form=ActionForm(),
    ), status


@blueprint.get("/logout")
def logout_confirmation() -> Response | tuple[str, int]:
    """A link (or another site) that opens /logout only asks: logging out takes the POST
    of this page's button, which carries the CSRF token."""
    if not current_user.is_authenticated:
        return redirect(url("login"))
    return render_template("auth/logout.html", logout_form=ActionForm()), 200


@blueprint.post("/logout")
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
