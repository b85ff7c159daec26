"""The buttons that fold parts of the explorer away: the controls (and the header's links)
into a menu on small screens, the layers into a compact selector, the legend over the
map. Pure HTML: `assets/compact.js` opens and closes them (a class on the page or on
the part, and `aria-expanded`), without a round trip to the server; the rules of each
screen size are in `assets/responsive.css`.
"""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from layouts.ids import CompactIds, ControlIds, MapIds

MENU_TEXT = "Menu"
LAYERS_TEXT = "Contours, noms, équipements"
LEGEND_TEXT = "Légende"


def _toggle(
    text: str, button_id: str, controls: str, class_name: str, expanded: bool = False
) -> html.Button:
    return html.Button(
        text,
        id=button_id,
        type="button",
        className=class_name,
        **{"aria-expanded": "true" if expanded else "false", "aria-controls": controls},
    )


def menu_button() -> html.Button:
    """Shown on small screens only: opens the controls and the header's links."""
    return _toggle(MENU_TEXT, CompactIds.MENU_BUTTON, ControlIds.BAR, "atlas-menu-button")


def layers_menu(checklist: Component) -> html.Div:
    """The layers' switches in a panel that a button opens (14 switches were a third of
    the controls' height)."""
    return html.Div(
        [
            _toggle(LAYERS_TEXT, CompactIds.LAYERS_BUTTON, CompactIds.LAYERS_MENU, "layers-button"),
            html.Div(checklist, id=CompactIds.LAYERS_MENU, className="layers-popover"),
        ],
        className="layers-menu",
    )


def legend_button() -> html.Button:
    """Folds the legend away from the markers under it (folded at first on a phone)."""
    button = _toggle(LEGEND_TEXT, CompactIds.LEGEND_BUTTON, MapIds.LEGEND, "legend-fold", True)
    button.title = "Afficher ou replier la légende"
    return button
