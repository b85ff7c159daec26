"""The comparison shows the commune of each pinned IRIS next to the EPCI."""

from __future__ import annotations

from dash import html

from callbacks.compare import compare_content, iris_communes
from data.scope import AccessScope
from data.store.store import Store
from layouts.map_state import Feature
from tests.conftest import ComponentTree

MEL = AccessScope("CONV-2021-001", "MEL", "mel", frozenset({"parc", "occupation"}))


def roubaix_iris(store: Store) -> tuple[str, str]:
    sql = (
        "SELECT code, name FROM zones WHERE scale = 'iris' AND commune_code = '59512' "
        "AND code NOT LIKE '%0000' ORDER BY code LIMIT 1"
    )
    return store._cursor().execute(sql).fetchone()


def column_titles(tree: ComponentTree, view) -> list[str]:
    (head,) = [node for node in tree.walk(view) if isinstance(node, html.Thead)]
    return [tree.text_of(cell).strip() for cell in tree.walk(head) if isinstance(cell, html.Th)]


def test_a_pinned_iris_is_compared_with_its_commune_and_the_epci(
    tree: ComponentTree, store: Store
) -> None:
    code, name = roubaix_iris(store)
    pinned = [Feature("iris", code), Feature("commune", "59350")]
    view = compare_content(store, MEL, pinned, "parc.vacancy_rate_offered", 2024)
    titles = column_titles(tree, view)
    assert titles[0] == "Indicateur"
    assert titles[1].startswith(name) and titles[2].startswith("Lille")
    assert titles[3:] == ["Roubaix", "MEL"]
    assert "Comparaison de 2 zones" in tree.text_of(view)


def test_a_commune_pinned_itself_or_twice_is_one_column(store: Store) -> None:
    code, _ = roubaix_iris(store)
    assert iris_communes(store, [("iris", code), ("commune", "59512")]) == []
    assert iris_communes(store, [("iris", code), ("iris", code)]) == [("commune", "59512")]
    assert iris_communes(store, [("commune", "59350"), ("qpv", "unknown")]) == []
