"""The conventions' scopes as the access layer names them: datasets, notice, perimeter label.

The scope itself (`AccessScope`) and what it lets a user see live in the data layer
(`data.scope`), which applies them to every query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from auth.dates import french_date
from data.catalog import THEMES
from data.scope import PERIMETER_TYPES, WHOLE_TERRITORY_TYPES, AccessScope, Territory

# What a convention may grant: the catalogue's themes, nothing else.
DATASETS = tuple(THEMES)


def restricted_notice(scope: AccessScope, on: date) -> str:
    """The notice every export and printout carries."""
    return (
        f"Diffusion restreinte — convention {scope.convention_number} — "
        f"{scope.partner_name} — {french_date(on)}"
    )


NO_PERIMETER = "aucun : ne voit aucune résidence"


def perimeter_label(partner_type: str, codes: Iterable[str], territory: Territory) -> str:
    """A perimeter as an administrator reads it: "Capinghem (59128), Lomme (59350)",
    "Vilogia (900000002)", "tout le territoire"; an unknown code is shown as such."""
    if partner_type in WHOLE_TERRITORY_TYPES:
        return "tout le territoire"
    codes = sorted(set(codes))
    if partner_type in PERIMETER_TYPES and not codes:
        return NO_PERIMETER
    names = territory.names(partner_type)
    return ", ".join(
        f"{names[code]} ({code})" if code in names else f"{code} (code inconnu)"
        for code in sorted(codes, key=lambda code: (names.get(code, "~"), code))
    )
