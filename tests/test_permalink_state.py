import math
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from layouts.map_state import (
    MAX_CODE_LENGTH,
    MAX_PINNED,
    OVERLAYS,
    Feature,
    StateContext,
    StateError,
    ViewState,
    feature_from_data,
    parse_feature,
    parse_query,
    resolve,
    state_from_data,
    to_query,
    toggle_pin,
    with_viewport,
)

CODES = {
    "commune": {"59350", "59512", "59128"},
    "iris": {"593500101", "595120102"},
    "qpv": {"QN059001M"},
    "residence": {"R0123456789ab"},
}
YEARS = {
    "parc.dwellings": (2019, 2020, 2021),
    "parc.vacancy_rate_offered": (2020, 2021),
    "parc.social_share": (2021,),
    "occupation.single_person": (2018, 2020),
}


def context(*, occupation: bool = True) -> StateContext:
    themes = ("parc", "occupation") if occupation else ("parc",)
    indicators: dict[tuple[str, str], tuple[str, ...]] = {}
    for scale in ("commune", "iris", "qpv", "residence"):
        parc = ["parc.dwellings", "parc.vacancy_rate_offered"]
        if scale == "commune":
            parc.append("parc.social_share")
        indicators[(scale, "parc")] = tuple(parc)
        indicators[(scale, "occupation")] = ("occupation.single_person",)
    return StateContext(
        themes={scale: themes for scale in CODES},
        indicators=indicators,
        years=YEARS,
        code_exists=lambda scale, code: code in CODES.get(scale, set()),
        default_indicators={"parc": "parc.dwellings"},
    )


CTX = context()
DEFAULT = ViewState(scale="commune", theme="parc", indicator="parc.dwellings", year=2021)


def test_empty_query_gives_the_default_view() -> None:
    assert parse_query("", CTX) == DEFAULT
    assert parse_query(None, CTX) == DEFAULT
    assert to_query(DEFAULT) == (
        "?echelle=commune&theme=parc&indicateur=parc.dwellings&annee=2021&classes=quantile"
    )


def test_an_old_indicator_id_falls_back_to_its_successor_with_a_message() -> None:
    state = parse_query("?echelle=iris&indicateur=parc.vacancy_rate&annee=2020", CTX)
    assert (state.scale, state.indicator, state.year) == ("iris", "parc.vacancy_rate_offered", 2020)
    assert state.notice is not None and "définition a changé" in state.notice
    assert "indicateur=parc.vacancy_rate_offered" in to_query(state)
    assert parse_query(to_query(state), CTX).notice is None


def test_an_old_id_whose_successor_is_not_offered_falls_back_without_a_message() -> None:
    state = parse_query("?indicateur=parc.rent_m2", CTX)  # successor absent from CTX
    assert state == DEFAULT


def test_full_permalink_round_trips() -> None:
    state = ViewState(
        scale="iris",
        theme="parc",
        indicator="parc.vacancy_rate_offered",
        year=2020,
        method="jenks",
        overlays=("qpv", "communes"),
        selection=Feature("iris", "595120102"),
        pinned=(Feature("commune", "59512"), Feature("iris", "593500101")),
        centre=(50.69, 3.18),
        zoom=13,
    )
    query = to_query(state)
    assert "selection=iris:595120102" in query
    assert "epingles=commune:59512;iris:593500101" in query
    assert "centre=50.69000,3.18000&zoom=13" in query
    assert parse_query(query, CTX) == state


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?echelle=departement", DEFAULT),
        (
            "?echelle=iris&indicateur=parc.social_share",
            DEFAULT.__class__(scale="iris", theme="parc", indicator="parc.dwellings", year=2021),
        ),
        (
            "?indicateur=parc.vacancy_rate_offered&annee=2019",
            DEFAULT.__class__(
                scale="commune", theme="parc", indicator="parc.vacancy_rate_offered", year=2021
            ),
        ),
        ("?annee=abcd", DEFAULT),
        ("?annee=20210", DEFAULT),
        ("?annee=-2021", DEFAULT),
        ("?classes=kmeans", DEFAULT),
        ("?theme=fragilite", DEFAULT),
        ("?selection=commune:99999", DEFAULT),
        ("?selection=commune:59512%27%3B--", DEFAULT),
        ("?selection=<script>", DEFAULT),
        ("?centre=91,3&zoom=12", DEFAULT),
        ("?centre=nan,inf&zoom=12", DEFAULT),
        ("?centre=50.6,3.0&zoom=99", DEFAULT),
        ("?zoom=12", DEFAULT),
        (
            "?couches=qpv,bogus,qpv",
            ViewState(
                scale="commune",
                theme="parc",
                indicator="parc.dwellings",
                year=2021,
                overlays=("qpv",),
            ),
        ),
        (
            "?epingles=commune:59512;commune:59512;residence:R0123456789ab;qpv:QN059001M",
            ViewState(
                scale="commune",
                theme="parc",
                indicator="parc.dwellings",
                year=2021,
                pinned=(Feature("commune", "59512"), Feature("qpv", "QN059001M")),
            ),
        ),
        (
            "?echelle=qpv&theme=parc&theme=occupation",
            ViewState(scale="qpv", theme="parc", indicator="parc.dwellings", year=2021),
        ),
    ],
)
def test_invalid_parameters_fall_back(query: str, expected: ViewState) -> None:
    assert parse_query(query, CTX) == expected


def test_occupation_needs_the_convention() -> None:
    query = "?theme=occupation&indicateur=occupation.single_person&annee=2018"
    assert parse_query(query, CTX).indicator == "occupation.single_person"
    assert parse_query(query, CTX).year == 2018
    assert parse_query(query, context(occupation=False)) == DEFAULT


def test_pins_are_capped() -> None:
    pins = [Feature("commune", c) for c in sorted(CODES["commune"])] + [
        Feature("iris", c) for c in sorted(CODES["iris"])
    ]
    state = resolve(CTX, scale="commune", theme="parc", indicator=None, year=None, pinned=pins)
    assert len(state.pinned) == MAX_PINNED


def test_viewport_from_the_map() -> None:
    state = with_viewport(DEFAULT, [50.712345678, 3.1], 12.2)
    assert state.centre == (50.71235, 3.1) and state.zoom == 12
    assert with_viewport(DEFAULT, {"lat": 50.7, "lng": 3.2}, 11).centre == (50.7, 3.2)
    assert with_viewport(DEFAULT, None, 12) == DEFAULT
    assert with_viewport(DEFAULT, [50.7, 3.1], None) == DEFAULT
    assert with_viewport(DEFAULT, [50.7, 3.1], 40) == DEFAULT
    assert with_viewport(DEFAULT, ["x", 3.1], 12) == DEFAULT


# Metropolitan France and overseas (Guadeloupe to La Réunion), as `territory_box` gives it.
FRANCE = replace(CTX, extent=(-21.4, -61.8, 51.1, 55.8), min_zoom=4)


@pytest.mark.parametrize(
    ("centre", "zoom", "kept_in_france", "kept_in_the_mel"),
    [
        ("43.29600,5.37000", 6, True, False),  # Marseille, France seen whole
        ("-21.11500,55.53600", 11, True, False),  # Saint-Denis de La Réunion
        ("16.24100,-61.53300", 12, True, False),  # Pointe-à-Pitre
        ("50.63000,3.07000", 12, True, True),  # Lille
        ("50.63000,3.07000", 4, True, False),  # below the MEL's lowest zoom
        ("50.63000,3.07000", 3, False, False),  # below France's too
        ("-35.00000,3.07000", 8, False, False),  # 13.6° south of La Réunion
        ("52.40000,4.90000", 10, True, True),  # beyond France's box, within the margin
    ],
)
def test_a_permalinks_viewport_follows_the_territorys_extent(
    centre: str, zoom: int, kept_in_france: bool, kept_in_the_mel: bool
) -> None:
    query = f"?centre={centre}&zoom={zoom}"
    assert (parse_query(query, FRANCE).zoom == zoom) is kept_in_france
    assert (parse_query(query, CTX).zoom == zoom) is kept_in_the_mel
    lat, lon = (float(part) for part in centre.split(","))
    assert (with_viewport(DEFAULT, [lat, lon], zoom, FRANCE.min_zoom).zoom == zoom) is (zoom >= 4)


def test_feature_from_store_data() -> None:
    assert feature_from_data({"scale": "iris", "code": "595120102"}) == Feature("iris", "595120102")
    assert feature_from_data({"scale": "iris"}) is None
    assert feature_from_data(["iris", "x"]) is None
    assert feature_from_data({"scale": "iris", "code": "a b"}) is None


features = st.sampled_from(
    [Feature(scale, code) for scale, codes in CODES.items() for code in sorted(codes)]
)
states = st.builds(
    lambda scale, theme, indicator, year, method, overlays, selection, pinned, centre, zoom: (
        resolve(
            CTX,
            scale=scale,
            theme=theme,
            indicator=indicator,
            year=year,
            method=method,
            overlays=overlays,
            selection=selection,
            pinned=pinned,
            centre=centre,
            zoom=zoom,
        )
    ),
    st.sampled_from(["commune", "iris", "qpv", "residence"]),
    st.sampled_from(["parc", "occupation"]),
    st.sampled_from(sorted(YEARS)),
    st.sampled_from([2018, 2019, 2020, 2021]),
    st.sampled_from(["quantile", "equal", "jenks"]),
    st.lists(st.sampled_from(OVERLAYS), max_size=4),
    st.none() | features,
    st.lists(features, max_size=6),
    st.none()
    | st.tuples(
        st.integers(4_900_000, 5_200_000).map(lambda v: v / 100_000),
        st.integers(250_000, 350_000).map(lambda v: v / 100_000),
    ),
    st.none() | st.integers(8, 18),
)


@settings(max_examples=300, deadline=None)
@given(states)
def test_every_valid_state_round_trips(state: ViewState) -> None:
    parsed = parse_query(to_query(state), CTX)
    assert parsed == state


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_any_query_string_gives_a_valid_state(search: str) -> None:
    state = parse_query(search, CTX)
    assert (
        resolve(
            CTX,
            scale=state.scale,
            theme=state.theme,
            indicator=state.indicator,
            year=state.year,
            method=state.method,
            overlays=state.overlays,
            selection=state.selection,
            pinned=state.pinned,
            centre=state.centre,
            zoom=state.zoom,
        )
        == state
    )
    assert state.indicator in YEARS and state.year in YEARS[state.indicator]
    if state.centre is not None:
        assert all(math.isfinite(v) for v in state.centre)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "echelle",
                "theme",
                "indicateur",
                "annee",
                "classes",
                "couches",
                "selection",
                "epingles",
                "centre",
                "zoom",
            ]
        ),
        st.text(max_size=30),
    )
)
@example({"zoom": "¹"})  # a digit to str.isdigit, not to int()
@example({"annee": "２０２４"})
def test_tampered_parameters_never_raise(params: dict[str, str]) -> None:
    from urllib.parse import urlencode

    state = parse_query("?" + urlencode(params), CTX)
    assert state.scale in CODES
    assert state.selection is None or state.selection.code in CODES[state.selection.scale]


@pytest.mark.parametrize(
    "raw",
    [None, "commune:59512", {"scale": "commune"}, {"scale": "table", "code": "1"},
     {"scale": "commune", "code": 59512}, {"scale": "commune", "code": "59512'--"},
     {"scale": "residence", "code": "R" * (MAX_CODE_LENGTH + 1)}],
)  # fmt: skip
def test_malformed_features_are_refused_with_one_error(raw: object) -> None:
    assert feature_from_data(raw) is None
    if isinstance(raw, dict):
        with pytest.raises(StateError):
            Feature(raw.get("scale"), raw.get("code"))  # type: ignore[arg-type]


def test_one_code_length_limit_for_every_source() -> None:
    longest = "R" * MAX_CODE_LENGTH
    assert feature_from_data({"scale": "residence", "code": longest}) == Feature(
        "residence", longest
    )
    assert parse_feature(f"residence:{longest}") == Feature("residence", longest)
    assert parse_feature(f"residence:{longest}R") is None


def test_the_store_round_trips_and_is_checked_like_a_permalink() -> None:
    state = resolve(CTX, scale="iris", theme="parc", indicator="parc.vacancy_rate_offered",
                    year=2020, overlays=["qpv"], selection=Feature("iris", "595120102"),
                    pinned=[Feature("commune", "59512")])  # fmt: skip
    assert state_from_data(state.to_data(), CTX) == state
    residence = {"scale": "residence", "code": "R0123456789ab"}
    tampered = {**state.to_data(), "selection": {"scale": "iris", "code": "000"},
                "pinned": [residence, "x"], "year": "x"}  # fmt: skip
    assert state_from_data(tampered, CTX) == resolve(
        CTX, scale="iris", theme="parc", indicator="parc.vacancy_rate_offered", year=None,
        overlays=["qpv"])  # fmt: skip
    assert state_from_data("nope", CTX) == DEFAULT


def test_pinning_adds_then_a_second_click_removes_and_a_fifth_is_refused() -> None:
    roubaix = Feature("commune", "59512")
    pinned, refused = toggle_pin(DEFAULT, CTX, roubaix)
    assert pinned.pinned == (roubaix,) and not refused
    assert toggle_pin(pinned, CTX, roubaix) == (DEFAULT, False)
    assert toggle_pin(DEFAULT, CTX, Feature("residence", "R0123456789ab")) == (DEFAULT, False)
    four = resolve(CTX, scale="commune", theme="parc", indicator=None, year=None,
                   pinned=[Feature("commune", c) for c in ("59350", "59128")]
                   + [Feature("iris", "593500101"), Feature("qpv", "QN059001M")])  # fmt: skip
    assert len(four.pinned) == MAX_PINNED
    assert toggle_pin(four, CTX, roubaix) == (four, True)
