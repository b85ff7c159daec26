"""No legend class reads as an empty range ("0,0 – 0,0 %"); an empty class says so."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from layouts.choropleth import build_choropleth
from layouts.formatting import NBSP
from layouts.legend import legend_component
from layouts.legend_labels import EMPTY_CLASS_TEXT, EMPTY_CLASS_TITLE, class_label
from tests.conftest import ComponentTree
from tests.test_map_legend import FakeIndicator as Rate

RANGE = re.compile(r"^(.+?) – (.+?)(?:\u00a0%)?$")


def rows(values: list[float]) -> list[tuple[str, float, str]]:
    return [(f"z{i}", value, "ok") for i, value in enumerate(values)]


def test_a_class_of_zeros_is_one_value_and_a_tiny_range_gets_decimals() -> None:
    values = [0.0] * 12 + [0.01, 0.02, 0.03, 0.04, 0.6, 2.0, 5.0, 9.0]
    legend = build_choropleth(rows(values), Rate(), 2024, total=20, method="quantile").legend
    labels = [cls.label for cls in legend.classes]
    assert labels[0] == f"0,0{NBSP}%"
    assert labels[1] == f"0,000 – 0,004{NBSP}%"  # ]0 ; 0,004]: a quantile between two values


def test_class_label_of_a_single_value_and_of_an_unseparable_range() -> None:
    assert class_label(3.0, 3.0, "logements", 0) == f"3{NBSP}logements"
    assert class_label(1.0, 2.0, "", 0) == "1 – 2"
    assert class_label(1.0, 1.00001, "%", 1) == f"≈ 1,0{NBSP}%"


@given(
    st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=60),
    st.sampled_from(["quantile", "equal", "jenks"]),
)
def test_no_class_reads_as_a_range_from_a_value_to_itself(values, method) -> None:
    legend = build_choropleth(rows(values), Rate(), 2024, total=len(values), method=method).legend
    for cls in legend.classes:
        match = RANGE.match(cls.label)
        assert not (match and match.group(1) == match.group(2)), cls.label


def test_an_empty_class_says_it_holds_nothing(tree: ComponentTree) -> None:
    legend = build_choropleth(rows([1, 1, 1, 10]), Rate(), 2024, total=4, method="equal", k=3)
    assert [cls.count for cls in legend.legend.classes] == [3, 0, 1]
    component = legend_component(legend.legend)
    empty = [
        node
        for node in tree.walk(component)
        if "legend-class-empty" in str(getattr(node, "className", ""))
    ]
    assert len(empty) == 1
    assert EMPTY_CLASS_TEXT in tree.text_of(empty[0])
    assert empty[0].attributes["title"] == EMPTY_CLASS_TITLE
