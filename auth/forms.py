"""The HTML forms of the login and admin pages (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from auth.models import PARTNER_TYPE_LABELS, PARTNER_TYPES, ROLE_LABELS, ROLES
from auth.scope import DATASETS

REQUIRED = "Ce champ est obligatoire."
DATASET_LABELS = {"parc": "Parc", "occupation": "Occupation", "attributions": "Attributions"}


class LoginForm(FlaskForm):
    email = EmailField("Adresse électronique", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED)])


class TermsForm(FlaskForm):
    accept = BooleanField(
        "J'ai lu ces conditions et je m'engage à les respecter",
        validators=[DataRequired("Cochez la case pour accepter les conditions.")],
    )


class ConventionForm(FlaskForm):
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
        choices=[(name, DATASET_LABELS[name]) for name in DATASETS],
        default=list(DATASETS),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    signatory = StringField("Signataire")
    signed_on = DateField("Signée le (vide = brouillon)", validators=[Optional()])
    valid_from = DateField("Valide du", validators=[InputRequired(REQUIRED)])
    valid_until = DateField("au", validators=[InputRequired(REQUIRED)])


class SignForm(FlaskForm):
    signed_on = DateField("Signée le", validators=[InputRequired(REQUIRED)])
    signatory = StringField("Signataire")


class RenewForm(FlaskForm):
    valid_until = DateField("Nouvelle fin de validité", validators=[InputRequired(REQUIRED)])


class InviteForm(FlaskForm):
    email = EmailField("Adresse électronique", validators=[DataRequired(REQUIRED)])
    display_name = StringField("Nom", validators=[DataRequired(REQUIRED)])
    convention = SelectField("Convention", choices=[])
    role = SelectField("Rôle", choices=[(value, ROLE_LABELS[value]) for value in ROLES])


class ActionForm(FlaskForm):
    """A button that changes something (revoke, deactivate, unlock): CSRF token only."""
