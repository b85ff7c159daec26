"""The finder's rows as the grid shows them: the name a link to the residence's sheet (its
Markdown escaped), numbers in French with their unit, hidden values in words."""

from __future__ import annotations

from data.store.finder_types import IDENTITY, NUMBER, TEXT, FinderColumn, FinderPage
from layouts.finder import grid_rows

NAME = FinderColumn("name", "Résidence", TEXT, IDENTITY, sql="name")
VACANCY = FinderColumn("parc__vacancy_rate_offered", "Taux de vacance", NUMBER, "parc", "%", 1)


def row(name: str, vacancy: float | None, status: str) -> dict:
    return {
        "residence_id": "R1",
        "lat": 50.69,
        "lon": 3.18,
        "name": name,
        VACANCY.field: vacancy,
        f"{VACANCY.field}__status": status,
    }


def test_a_name_is_a_markdown_link_whose_text_is_escaped() -> None:
    page = FinderPage([row("Les [Tilleuls] (bis) *_`<>\\", 6.25, "ok")], 1, (NAME, VACANCY))
    (shown,) = grid_rows(page, "/")
    text, _, href = shown["name"].partition("](")
    assert text == "[Les \\[Tilleuls\\] \\(bis\\) \\*\\_\\`\\<\\>\\\\"
    assert href.startswith("/?echelle=residence&selection=residence:R1&centre=")
    assert shown[VACANCY.field] == "6,3\u00a0%"


def test_a_hidden_value_reads_as_words() -> None:
    page = FinderPage(
        [row("A", None, "secret"), row("B", None, "restricted"), row("C", None, "nd")],
        3,
        (NAME, VACANCY),
    )
    assert [r[VACANCY.field] for r in grid_rows(page, "/")] == ["secret", "hors périmètre", "n.d."]
