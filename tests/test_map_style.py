"""The restyle of the map (hideout, legend) on the demo warehouse."""

from __future__ import annotations

import pytest

from callbacks.map_style import (
    _shared_view,
    choropleth,
    map_style,
    secret_residence_text,
    secret_text,
)
from data.scope import AccessScope
from data.store.store import Store

MEL = AccessScope("MEL-1", "MEL", "mel", frozenset({"parc", "occupation"}))
PARC_ONLY = AccessScope("ETAT-1", "État", "etat", frozenset({"parc"}))
ROUBAIX = AccessScope(
    "COM-1", "Roubaix", "commune", frozenset({"parc", "occupation"}), communes=frozenset({"59512"})
)


def test_zone_scale_gets_the_hideout_of_the_zones_loaded(store: Store) -> None:
    every = range(len(store.map_order("iris")))
    style = map_style(store, MEL, "iris", "parc.vacancy_rate_offered", 2024, "jenks", every)
    classes = style.zone_hideout["classes"]
    assert set(classes) == {str(i) for i in every}
    assert set(style.zone_hideout["labels"]) <= set(classes)
    assert set(classes.values()) <= set("01234snr-")
    assert {"0", "4"} <= set(classes.values())
    assert style.zone_hideout["texts"]["s"] == "Secret statistique"
    assert style.residence_hideout == {}


def test_residence_scale_gets_points_and_the_threshold(store: Store) -> None:
    every = range(len(store.map_order("residence")))
    style = map_style(store, MEL, "residence", "parc.dwellings", 2024, "quantile", every)
    assert style.zone_hideout == {}
    texts = style.residence_hideout["texts"]
    # one wording for every secret residence: none tells a small one from the others
    assert texts["secret_residence"] == secret_residence_text(11)
    assert "secret_by_size" not in texts
    # the points' sizes come with the data, from the one list of size classes
    assert style.residence_hideout["radii"] == {"<11": 4, "11-49": 6, "50-199": 8, "200+": 11}
    # keyed by the points' `i`: a label for each published value, none for a secret one
    classes, labels = style.residence_hideout["classes"], style.residence_hideout["labels"]
    assert set(classes) == {str(i) for i in every}
    secret = [i for i, mark in classes.items() if mark == "s"]
    assert secret and not set(secret) & set(labels)
    assert all(labels[i] for i, mark in classes.items() if mark.isdigit())
    assert secret_text("residence", "occupation", 11) == (
        "Secret statistique (moins de 11 ménages, ou secret secondaire)"
    )


def test_every_secret_residence_gets_the_same_words() -> None:
    """Telling "fewer than 11" from "hidden to protect another" would bound a secret
    residence's dwellings: one wording covers both."""
    text = secret_residence_text(11)
    assert text.startswith("Secret statistique")
    assert "moins de 11 logements" in text and "retrouver" in text
    assert "secret secondaire" not in text


def test_occupation_needs_the_dataset_and_is_scoped(store: Store) -> None:
    year = store.indicator_years["occupation.single_person"][-1]
    assert (
        choropleth(store, PARC_ONLY, "commune", "occupation.single_person", year, "quantile")
        is None
    )
    style = map_style(store, PARC_ONLY, "commune", "occupation.single_person", year, "quantile")
    assert style.zone_hideout == {}  # nothing drawn, the legend says why
    scoped = choropleth(store, ROUBAIX, "residence", "occupation.single_person", year, "quantile")
    assert scoped.legend.restricted_count > 0
    everything = choropleth(store, MEL, "residence", "occupation.single_person", year, "quantile")
    assert everything.legend.restricted_count == 0


def test_residence_occupation_is_never_shared_between_conventions(store: Store) -> None:
    """Drawn per request, never from the per-process cache of shared views: Roubaix's
    restricted residences must not reach the MEL, nor the MEL's values Roubaix."""
    year = store.indicator_years["occupation.single_person"][-1]
    cached = _shared_view.cache_info().currsize

    every = range(len(store.map_order("residence")))

    def marks(scope: AccessScope) -> list[str]:
        style = map_style(store, scope, "residence", "occupation.single_person", year, "", every)
        return list(style.residence_hideout["classes"].values())

    roubaix, everything, roubaix_again = marks(ROUBAIX), marks(MEL), marks(ROUBAIX)
    assert "r" in roubaix and roubaix_again == roubaix
    assert "r" not in everything and any(mark.isdigit() for mark in everything)
    assert _shared_view.cache_info().currsize == cached


@pytest.mark.parametrize(
    ("scale", "indicator", "year", "method"),
    [
        ("qpv", "parc.social_share", 2024, "quantile"),  # not computed for QPV
        ("commune", "parc.nope", 2024, "quantile"),
        ("commune", "parc.dwellings", 1999, "quantile"),
        ("commune", None, None, None),
    ],
)
def test_unavailable_views_draw_nothing(store: Store, scale, indicator, year, method) -> None:
    assert choropleth(store, MEL, scale, indicator, year, method) is None


def test_theme_choices_follow_the_convention(store: Store) -> None:
    from callbacks.explorer_state import default_controls, state_context

    parc_only = state_context(store, PARC_ONLY)
    assert all(themes == ("parc",) for themes in parc_only.themes.values())
    full = state_context(store, MEL)
    assert full.themes["commune"] == ("parc", "occupation")
    assert "parc.social_share" in full.indicators[("commune", "parc")]
    assert "parc.social_share" not in full.indicators[("iris", "parc")]
    controls = default_controls(store, PARC_ONLY)
    assert [o["value"] for o in controls.theme_options] == ["parc"]
    assert controls.year == max(store.indicator_years[controls.indicator])
