from dataclasses import dataclass

from layouts.choropleth import build_choropleth
from layouts.formatting import NBSP
from layouts.legend import legend_component
from layouts.palettes import NOT_AVAILABLE_COLOR, RESTRICTED_COLOR, SECRET_COLOR, YLGNBU
from tests.conftest import ComponentTree


@dataclass(frozen=True)
class FakeIndicator:
    id: str = "parc.vacancy_rate_offered"
    label: str = "Taux de vacance"
    unit: str = "%"
    polarity: int = -1
    decimals: int = 1
    theme: str = "parc"
    categories: tuple[str, ...] = ()
    definition: str = "Logements vacants parmi les logements proposés à la location."


ROWS = [
    ("a", 1.0, "ok"),
    ("b", 2.0, "ok"),
    ("c", 3.0, "ok"),
    ("d", 4.0, "ok"),
    ("e", 5.0, "ok"),
    ("f", None, "secret"),
    ("g", None, "nd"),
    ("h", None, "ok"),  # published without a value: not available
]


def fills(result, order: list[str]) -> dict[str, str | None]:
    """The fill the browser gives each code of `order` from the hideout (assets/atlas_map.js:
    a class digit picks from `palette`, a status mark from `colors`)."""
    hideout = result.hideout(order)
    drawn = {}
    for position, code in enumerate(order):
        mark = hideout["classes"][position]
        drawn[code] = (
            hideout["palette"][int(mark)] if mark.isdigit() else hideout["colors"].get(mark)
        )
    return drawn


def test_choropleth_colours_labels_and_counts() -> None:
    result = build_choropleth(ROWS, FakeIndicator(), 2023, total=10, method="equal", k=4)
    palette = YLGNBU[4]
    colors = fills(result, ["a", "e", "f", "g", "h", "unknown"])
    assert colors["a"] == palette[0]
    assert colors["e"] == palette[3]
    assert colors["f"] == SECRET_COLOR
    assert colors["g"] == NOT_AVAILABLE_COLOR
    assert colors["h"] == NOT_AVAILABLE_COLOR
    assert colors["unknown"] is None  # no row this year: the no-data style
    assert result.labels["b"] == f"2,0{NBSP}%"
    assert "f" not in result.labels
    legend = result.legend
    assert [c.count for c in legend.classes] == [2, 1, 1, 1]
    assert legend.secret_count == 1
    assert legend.not_available_count == 2
    assert legend.missing_count == 2
    assert legend.no_value_count == 5
    order = ["a", "b", "c", "d", "e", "f", "g", "h", "unknown"]
    hideout = result.hideout(order, "Secret statistique (moins de 11 logements)")
    assert hideout["classes"] == "00123snn-"
    assert hideout["palette"] == list(palette)
    assert hideout["labels"][1] == f"2,0{NBSP}%"
    assert hideout["labels"][5:] == ["", "", "", ""]
    assert hideout["colors"]["s"] == SECRET_COLOR and hideout["colors"]["n"] == NOT_AVAILABLE_COLOR
    assert hideout["texts"]["s"] == "Secret statistique (moins de 11 logements)"
    assert hideout["texts"]["-"] == "Pas de donnée cette année"
    assert hideout["title"] == "Taux de vacance (2023)"


def test_hideout_follows_the_feature_order() -> None:
    """Position i of the hideout styles the feature whose `i` property is i."""
    result = build_choropleth(ROWS, FakeIndicator(), 2023, total=10, method="equal", k=4)
    backwards = result.hideout(["h", "g", "f", "e", "d", "c", "b", "a"])
    assert backwards["classes"] == "nns32100"
    assert backwards["labels"][-1] == f"1,0{NBSP}%"
    forwards = fills(result, ["a", "b", "c", "d", "e", "f", "g", "h"])
    assert fills(result, ["h", "g", "f", "e", "d", "c", "b", "a"]) == forwards


def test_a_published_nan_is_not_available() -> None:
    rows = [("a", 1.0, "ok"), ("b", float("nan"), "ok"), ("c", 3.0, "ok")]
    result = build_choropleth(rows, FakeIndicator(), 2023, total=3)
    assert result.hideout(["a", "b", "c"])["classes"][1] == "n"
    assert result.legend.not_available_count == 1


def test_favourable_indicator_reverses_palette() -> None:
    favourable = FakeIndicator(polarity=1)
    result = build_choropleth(ROWS, favourable, 2023, total=8, method="equal", k=4)
    colors = fills(result, ["a", "e"])
    assert colors["a"] == YLGNBU[4][3]
    assert colors["e"] == YLGNBU[4][0]


def test_legend_component_shows_classes_and_no_value_apart(tree: ComponentTree) -> None:
    result = build_choropleth(ROWS, FakeIndicator(), 2023, total=10, method="quantile", k=5)
    component = legend_component(result.legend)
    shown = tree.texts(component)
    assert "Taux de vacance — 2023" in shown
    assert "Unité : % · Quantiles" in shown
    assert f"4,2 – 5,0{NBSP}%" in shown
    assert "Secret statistique" in shown
    assert "Non disponible" in shown
    assert "5 zones sans valeur" in shown


def test_legend_without_published_value(tree: ComponentTree) -> None:
    rows = [("a", None, "secret"), ("b", None, "secret")]
    result = build_choropleth(rows, FakeIndicator(), 2021, total=2)
    assert result.legend.classes == ()
    shown = tree.texts(legend_component(result.legend))
    assert "Aucune valeur publiée pour cette année." in shown
    assert "2 zones sans valeur" in shown


def test_legend_counts_residences_with_their_noun(tree: ComponentTree) -> None:
    result = build_choropleth(
        [("r1", 3.0, "ok")], FakeIndicator(), 2024, total=2, noun="résidences"
    )
    shown = tree.texts(legend_component(result.legend))
    assert "1 résidence sans valeur" in shown


def test_residences_outside_the_perimeter_are_counted_apart(tree: ComponentTree) -> None:
    rows = [("r1", 3.0, "ok"), ("r2", None, "restricted"), ("r3", None, "secret")]
    result = build_choropleth(rows, FakeIndicator(), 2024, total=3, noun="résidences")
    assert fills(result, ["r2"])["r2"] == RESTRICTED_COLOR
    assert result.legend.restricted_count == 1
    assert result.hideout(["r1", "r2", "r3"])["classes"] == "0rs"
    shown = tree.texts(legend_component(result.legend))
    assert "Hors du périmètre de votre convention" in shown
    assert "2 résidences sans valeur" in shown
