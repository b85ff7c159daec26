"""What each convention lets its users see: the perimeter used by the data layer."""

from __future__ import annotations

from datetime import date

import pytest
from dash import Dash
from hypothesis import given
from hypothesis import strategies as st

from auth.access import NoAccess, current_scope, current_user_label, scope_of
from auth.models import Convention, join_codes
from auth.scope import DATASETS, restricted_notice
from data.scope import (
    OCCUPATION_GRANTED,
    OCCUPATION_NOT_GRANTED,
    OCCUPATION_OUT_OF_PERIMETER,
    WHOLE_TERRITORY_TYPES,
    AccessScope,
    varies_with_perimeter,
)

CODES = st.text(alphabet="0123456789", min_size=5, max_size=9)


def convention(partner_type: str, perimeter: tuple[str, ...] = (), datasets=DATASETS) -> Convention:
    return Convention(
        number="CONV-2021-099",
        partner_name="Partenaire",
        partner_type=partner_type,
        valid_from=date(2021, 1, 1),
        valid_until=date(2030, 12, 31),
        status="signed",
        perimeter=join_codes(perimeter),
        datasets=join_codes(datasets),
    )


@pytest.mark.parametrize("partner_type", sorted(WHOLE_TERRITORY_TYPES))
def test_mel_state_department_urh_action_logement_see_every_residence(partner_type: str) -> None:
    scope = scope_of(convention(partner_type))
    assert scope.covers_residence("59512", "900000001")
    assert scope.sees_residence_values("occupation", "59599", "123")


def test_a_commune_sees_only_its_own_territory() -> None:
    scope = scope_of(convention("commune", ("59128",)))
    assert scope.communes == frozenset({"59128"})
    assert scope.bailleurs == frozenset()
    assert scope.sees_residence_values("occupation", "59128", "900000002")
    assert not scope.sees_residence_values("occupation", "59350", "900000002")


def test_a_landlord_sees_only_its_own_residences() -> None:
    scope = scope_of(convention("bailleur", ("900000002",), ("parc", "occupation")))
    assert scope.bailleurs == frozenset({"900000002"})
    assert scope.sees_residence_values("occupation", "59350", "900000002")
    assert not scope.sees_residence_values("occupation", "59350", "900000001")
    assert not scope.grants("attributions")


def test_occupation_needs_the_dataset_even_inside_the_perimeter() -> None:
    scope = scope_of(convention("commune", ("59128",), ("parc", "attributions")))
    assert scope.covers_residence("59128", "x")
    assert not scope.sees_residence_values("occupation", "59128", "x")


@pytest.mark.parametrize("partner_type", ["commune", "bailleur"])
def test_an_empty_perimeter_fails_closed(partner_type: str) -> None:
    scope = scope_of(convention(partner_type, ()))
    assert scope.perimeter_missing
    assert not scope.covers_residence("59128", "900000002")
    assert not scope.sees_residence_values("occupation", "59350", "900000001")
    assert scope.grants("occupation")  # zone-level figures stay shared


@given(commune=CODES, bailleur=CODES)
def test_an_empty_perimeter_covers_no_residence_property(commune: str, bailleur: str) -> None:
    for partner_type in ("commune", "bailleur"):
        assert not scope_of(convention(partner_type, ())).covers_residence(commune, bailleur)


def test_unknown_partner_types_see_no_residence() -> None:
    scope = AccessScope("N", "P", "inconnu", frozenset(DATASETS))
    assert not scope.covers_residence("59128", "900000002")


@given(own=st.sets(CODES, min_size=1, max_size=5), other=CODES)
def test_commune_perimeter_property(own: set[str], other: str) -> None:
    scope = scope_of(convention("commune", tuple(own)))
    assert all(scope.sees_residence_values("occupation", code, "any") for code in own)
    assert scope.sees_residence_values("occupation", other, "any") == (other in own)


@given(own=st.sets(CODES, min_size=1, max_size=5), other=CODES, commune=CODES)
def test_landlord_perimeter_property(own: set[str], other: str, commune: str) -> None:
    scope = scope_of(convention("bailleur", tuple(own)))
    assert scope.sees_residence_values("occupation", commune, other) == (other in own)


def test_restricted_notice() -> None:
    scope = scope_of(convention("commune", ("59128",)))
    assert restricted_notice(scope, date(2021, 3, 4)) == (
        "Diffusion restreinte — convention CONV-2021-099 — Partenaire — 04/03/2021"
    )


PROFILES = {
    "mel-admin@atlas-demo.fr": ("CONV-2021-001", "mel", frozenset(), frozenset(), DATASETS),
    "capinghem@atlas-demo.fr": ("CONV-2021-011", "commune", {"59128"}, frozenset(), DATASETS),
    "roubaix@atlas-demo.fr": ("CONV-2021-012", "commune", {"59512"}, frozenset(), DATASETS),
    "vilogia@atlas-demo.fr": (
        "CONV-2022-021",
        "bailleur",
        frozenset(),
        {"900000002"},
        ("parc", "occupation", "diagnostic", "equipements"),
    ),
    "etat@atlas-demo.fr": ("CONV-2021-031", "etat", frozenset(), frozenset(), DATASETS),
}


def test_current_scope_comes_from_the_session_of_each_demo_profile(
    logged_in_client, auth_app: Dash
) -> None:
    for email, (number, partner_type, communes, bailleurs, datasets) in PROFILES.items():
        client = logged_in_client(auth_app, email)
        with client:
            # The browser sends a forged perimeter: it must change nothing.
            client.get("/", query_string={"communes": "59350", "convention": "CONV-2021-001"})
            scope = current_scope()
            assert scope.convention_number == number
            assert scope.partner_type == partner_type
            assert scope.communes == frozenset(communes)
            assert scope.bailleurs == frozenset(bailleurs)
            assert scope.datasets == frozenset(datasets)
            assert number in current_user_label()


def test_no_scope_without_a_logged_in_user(auth_app: Dash) -> None:
    with pytest.raises(NoAccess):
        current_scope()
    with auth_app.server.test_request_context("/"), pytest.raises(NoAccess):
        current_scope()


def test_the_access_rule_by_theme_and_scale() -> None:
    both = frozenset({"parc", "occupation"})
    capinghem = AccessScope("N", "Capinghem", "commune", both, communes=frozenset({"59128"}))
    assert capinghem.granted_themes() == ("parc", "occupation")
    assert capinghem.sees_residence_values("parc", "59350", "900000002")  # parc: everywhere
    assert not capinghem.sees_residence_values("occupation", "59350", "900000002")
    assert capinghem.residence_themes("59350", "900000002") == ("parc",)
    assert capinghem.residence_themes("59128", "900000002") == ("parc", "occupation")
    assert capinghem.occupation_access("59128", "x") == OCCUPATION_GRANTED
    assert capinghem.occupation_access("59350", "x") == OCCUPATION_OUT_OF_PERIMETER
    parc_only = AccessScope("N", "État", "etat", frozenset({"parc"}))
    assert parc_only.occupation_access("59128", "x") == OCCUPATION_NOT_GRANTED
    assert parc_only.describes_residences
    assert not AccessScope("N", "État", "etat", frozenset({"occupation"})).describes_residences
    assert varies_with_perimeter("residence", "occupation")
    assert not varies_with_perimeter("iris", "occupation")
    assert not varies_with_perimeter("residence", "parc")
