"""The fragility sections of the panel: the diagnosis of the selected zone or residence,
and for the EPCI and a commune the rankings of their IRIS, QPV and residences.

Wiring only: the store reads what the scope may see, `layouts.panel_diagnostic` draws it.
"""

from __future__ import annotations

from typing import Any

from data.catalog import DIAGNOSED_SCALES
from data.scope import AccessScope
from data.store.store import Store
from layouts.panel_diagnostic import (
    DIAGNOSTIC_OUT_OF_PERIMETER_TEXT,
    diagnostic_section,
    fragility_ranking_section,
)

THEME = "diagnostic"
RANKED_SCALES = ("epci", "commune")


def diagnostic_sections(
    store: Store, scope: AccessScope, scale: str, code: str, year: int | None
) -> list[Any]:
    """The sections the panel of a zone or residence shows; none without the dataset."""
    if not scope.grants(THEME):
        return []
    sections: list[Any] = []
    if scale in DIAGNOSED_SCALES:
        diagnosis = store.diagnosis(scale, code, year, scope)
        refusal = None
        if diagnosis is None and scale == "residence":
            place = store.residence_place(code)
            if place and not scope.sees_residence_values(THEME, *place):
                refusal = DIAGNOSTIC_OUT_OF_PERIMETER_TEXT
        sections.append(diagnostic_section(diagnosis, refusal))
    if scale in RANKED_SCALES:
        sections.append(
            fragility_ranking_section(
                store.fragility_ranking(store.iris_of(code), year, scope),
                store.fragility_ranking(store.qpv_of_commune(code), year, scope),
                store.fragility_ranking(store.residences_seen(code, scope), year, scope),
            )
        )
    return sections
