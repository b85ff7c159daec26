"""The HTML forms of the login and admin pages (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import AnyOf, DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from auth.models import PARTNER_TYPE_LABELS, PARTNER_TYPES, ROLE_LABELS, ROLES
from auth.scope import DATASETS
from data.catalog import THEMES

REQUIRED = "Ce champ est obligatoire."


class LoginForm(FlaskForm):
    email = EmailField("Adresse électronique", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)])
    new = PasswordField("Nouveau mot de passe", validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(
        "Nouveau mot de passe, une seconde fois", validators=[DataRequired(REQUIRED)]
    )


class TermsForm(FlaskForm):
    accept = BooleanField(
        "J'ai lu ces conditions et je m'engage à les respecter",
        validators=[DataRequired("Cochez la case pour accepter les conditions.")],
    )


class AdminForm(FlaskForm):
    """A form of the admin page: WTForms' own messages (an invalid date, an unknown
    choice) in French, from the translations WTForms ships (Flask-WTF would look for
    Flask-Babel, which the portal does not use)."""

    class Meta:
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


class ConventionForm(AdminForm):
    number = StringField("Numéro", validators=[DataRequired(REQUIRED)])
    partner_name = StringField("Partenaire", validators=[DataRequired(REQUIRED)])
    partner_type = SelectField(
        "Type", choices=[(value, PARTNER_TYPE_LABELS[value]) for value in PARTNER_TYPES]
    )
    perimeter = StringField(
        "Périmètre (commune ou bailleur : codes séparés par des virgules, obligatoire)"
    )
    datasets = SelectMultipleField(
        "Données accordées",
        choices=[(name, THEMES[name]) for name in DATASETS],
        default=list(DATASETS),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        # Checked against the catalogue's themes by `management`, with the same French
        # message as the command line.
        validate_choice=False,
    )
    signatory = StringField("Signataire")
    signed_on = DateField("Signée le (vide = brouillon)", validators=[Optional()])
    valid_from = DateField("Valide du", validators=[InputRequired(REQUIRED)])
    valid_until = DateField("Valide jusqu'au", validators=[InputRequired(REQUIRED)])


class SignForm(AdminForm):
    signed_on = DateField("Signée le", validators=[InputRequired(REQUIRED)])
    signatory = StringField("Signataire")


class RenewForm(AdminForm):
    valid_until = DateField("Nouvelle fin de validité", validators=[InputRequired(REQUIRED)])


class InviteForm(AdminForm):
    email = EmailField("Adresse électronique", validators=[DataRequired(REQUIRED)])
    display_name = StringField("Nom", validators=[DataRequired(REQUIRED)])
    convention = SelectField("Convention", choices=[])
    role = SelectField("Rôle", choices=[(value, ROLE_LABELS[value]) for value in ROLES])


class PerimeterForm(AdminForm):
    perimeter = StringField(
        "Périmètre (codes séparés par des virgules)", validators=[DataRequired(REQUIRED)]
    )


class ActionForm(AdminForm):
    """A button that changes something (reactivate, unlock): CSRF token only."""


CONFIRMED = "oui"


class ConfirmForm(AdminForm):
    """The confirmation step of a change that closes access (revoke, deactivate): the
    button of the confirmation page sends `confirm=oui` with the CSRF token."""

    # No default: a POST without the field (a button of an older page, a script) is refused.
    confirm = HiddenField(
        "Confirmation",
        validators=[AnyOf([CONFIRMED], message="confirmez d'abord le changement sur sa page.")],
    )
