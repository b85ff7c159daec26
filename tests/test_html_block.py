"""The panel's HTML blocks: data never becomes markup, links name what they open."""

from __future__ import annotations

from dash_extensions import Purify

from data.store.types import ResidenceItem
from layouts.html_block import element, html_block, markup, select_link
from layouts.ids import MapIds, PanelIds
from layouts.panel_zone import residence_list
from tests.conftest import ComponentTree

HOSTILE = '<img src=x onerror="alert(1)"> & "quoted"'


def test_text_and_attribute_values_are_escaped_and_markup_is_kept() -> None:
    cell = element("td", HOSTILE, title=HOSTILE, class_="text-end", data_code="R1")
    assert "<img" not in cell  # no tag from the data, in the text or an attribute
    assert cell.startswith('<td title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;')
    assert ' class="text-end" data-code="R1">' in cell
    assert "&lt;img src=x" in cell and "&amp; " in cell
    row = element("tr", [cell, None, "a < b"], class_=None)
    assert row == f"<tr>{cell}a &lt; b</tr>"  # nested markup is not escaped twice
    assert markup(["x", element("b", "y")]) == "x<b>y</b>"


def test_a_link_names_the_zone_and_the_store_it_writes() -> None:
    link = select_link("iris", "595120101", "Épeule <1>")
    assert link == (
        '<button type="button" class="btn btn-link panel-link" '
        f'data-store="{MapIds.CLICKED}" data-scale="iris" data-code="595120101">'
        "Épeule &lt;1&gt;</button>"
    )


def test_a_block_is_one_component_that_tests_read_like_the_others(tree: ComponentTree) -> None:
    residences = [
        ResidenceItem(f"R{n}", f"<b>Résidence {n}</b>", f"{n} rue A", "B", "11-49", False, 20)
        for n in range(30)
    ]
    (block, *_) = residence_list(residences, 11)
    assert isinstance(block, Purify)
    assert "<b>Résidence" not in block.html and "&lt;b&gt;Résidence 0" in block.html
    assert len(tree.ids_of(block, PanelIds.SELECT_LINK_TYPE)) == 20
    assert "<b>Résidence 3</b>" in tree.text_of(block)  # the text a user reads
    assert html_block(element("p", "x"), "c").className == "c"
