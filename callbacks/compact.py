"""The "Classes" control is hidden while a categorical indicator is mapped: its classes
are the indicator's categories, whatever the method (layouts/choropleth.py). Clientside:
the list of categorical indicators is written into the function once."""

from __future__ import annotations

import json

from dash import Dash, Input, Output

from data.catalog import CATALOG
from layouts.ids import CompactIds, PageIds


def categorical_indicators() -> list[str]:
    return sorted(indicator.id for indicator in CATALOG.values() if indicator.categories)


def register(app: Dash) -> None:
    app.clientside_callback(
        f"(view) => Boolean(view) && {json.dumps(categorical_indicators())}"
        ".includes(view.indicator)",
        Output(CompactIds.CLASSES_CONTROL, "hidden"),
        Input(PageIds.INDICATOR_VIEW, "data"),
    )
