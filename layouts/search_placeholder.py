"""The search box's placeholder: the kinds of places the territory's search finds (its map
scales, from the largest), then addresses."""

from __future__ import annotations

from collections.abc import Sequence

# Each map scale as the placeholder names it, with its article.
SEARCH_NOUNS = {
    "reg": "une région",
    "dep": "un département",
    "epci": "un EPCI",
    "commune": "une commune",
    "iris": "un IRIS",
    "qpv": "un QPV",
    "residence": "une résidence",
}


def search_placeholder(scales: Sequence[str]) -> str:
    """« Rechercher une commune, un IRIS, un QPV, une résidence ou une adresse » for the
    MEL's scales; a département's adds « un EPCI » first."""
    nouns = [SEARCH_NOUNS[scale] for scale in scales if scale in SEARCH_NOUNS]
    return f"Rechercher {', '.join(nouns)} ou une adresse"
