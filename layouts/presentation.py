"""The tools beside the view and the frame of the presentation mode.

Beside the view: "Mode présentation", "Copier le lien", "Tout le territoire" and the form
that keeps the view in "Mes vues". In presentation mode (`?presentation=1`, toggled by
assets/atlas_presentation.js, which Escape leaves) the map fills the screen under a
caption naming the view, above a footer with the source and the restricted-use notice,
and, in a tour (`&parcours=<id>&etape=<n>`), the step's caption and its buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.ids import PresentationIds

# The parameters of the permalink the explorer's state parser ignores: the display mode
# and the tour's step (assets/atlas_presentation.js reads the same names).
PRESENTATION_PARAM = "presentation"
TOUR_PARAM = "parcours"
STEP_PARAM = "etape"

TOGGLE_TEXT = "Mode présentation"
COPY_TEXT = "Copier le lien"
TERRITORY_TEXT = "Tout le territoire"
SAVE_TEXT = "Enregistrer la vue"
SAVE_PLACEHOLDER = "Nom de la vue"
SHARE_TEXT = "Partager avec ma convention"
EXIT_TEXT = "Quitter la présentation (Échap)"


def present_href(prefix: str, query: str, tour_id: int | None = None, step: int = 1) -> str:
    """The explorer at `query` in presentation mode; at a tour's step (counted from 1)."""
    extra: list[tuple[str, str]] = [(PRESENTATION_PARAM, "1")]
    if tour_id is not None:
        extra += [(TOUR_PARAM, str(tour_id)), (STEP_PARAM, str(step))]
    separator = "&" if query.lstrip("?") else ""
    return f"{prefix}?{query.lstrip('?')}{separator}{urlencode(extra)}"


def _button(text: str, button_id: str, style: str) -> html.Button:
    return html.Button(text, id=button_id, type="button", className=f"btn btn-sm {style}")


def view_tools() -> html.Div:
    """The buttons over the map's top left, beside its zoom: present, copy the link, see
    the whole territory, and save the view (a small form that unfolds)."""
    return html.Div(
        [
            _button(TOGGLE_TEXT, PresentationIds.TOGGLE, "btn-primary"),
            _button(COPY_TEXT, PresentationIds.COPY_LINK, "btn-light"),
            html.Span(id=PresentationIds.COPY_STATUS, className="tools-status", role="status"),
            _button(TERRITORY_TEXT, PresentationIds.TERRITORY, "btn-light"),
            html.Details(
                [
                    html.Summary(SAVE_TEXT, className="btn btn-sm btn-light"),
                    html.Div(
                        [
                            html.Label(SAVE_PLACEHOLDER, htmlFor=PresentationIds.SAVE_NAME),
                            dcc.Input(
                                id=PresentationIds.SAVE_NAME,
                                type="text",
                                maxLength=120,
                                className="form-control form-control-sm",
                            ),
                            dbc.Checkbox(
                                id=PresentationIds.SAVE_SHARED, label=SHARE_TEXT, value=False
                            ),
                            _button("Enregistrer", PresentationIds.SAVE, "btn-primary"),
                            html.Div(
                                id=PresentationIds.SAVE_MESSAGE,
                                className="tools-status",
                                role="status",
                            ),
                        ],
                        className="save-view-form",
                    ),
                ],
                className="save-view",
            ),
        ],
        id=PresentationIds.TOOLS,
        className="view-tools",
    )


def presentation_caption() -> html.Div:
    """The title of the view above the map, shown in presentation mode only."""
    return html.Div(id=PresentationIds.CAPTION, className="presentation-caption")


def presentation_footer() -> html.Footer:
    """The tour's step, the source and the notice, shown in presentation mode only."""
    return html.Footer(
        [
            html.Div(id=PresentationIds.TOUR, className="presentation-tour"),
            dcc.Store(id=PresentationIds.TOUR_POSITION),
            dcc.Store(id=PresentationIds.CAPTION_VIEW),
            html.Div(
                [
                    html.Div(id=PresentationIds.SOURCE, className="presentation-source"),
                    _button(EXIT_TEXT, PresentationIds.EXIT, "btn-outline-light"),
                ],
                className="presentation-footer-row",
            ),
        ],
        id=PresentationIds.FOOTER,
        className="presentation-footer",
    )


def caption_text(indicator: str, year: int | None, scale: str, territory: str) -> str:
    """e.g. "Taux de vacance — 2024 — par commune — Métropole Européenne de Lille"."""
    parts = [indicator, str(year) if year is not None else "", scale, territory]
    return " — ".join(part for part in parts if part)


def footer_content(source: str, notice: str) -> list:
    return [html.Span(f"Source : {source}" if source else ""), html.Span(notice)]


@dataclass(frozen=True)
class TourStepView:
    """A tour's step as its bar shows it; hrefs are None at either end."""

    tour_name: str
    step_name: str
    caption: str
    position: int  # from 1
    count: int
    previous_href: str | None
    next_href: str | None


def _step_link(text: str, href: str | None, link_id: str, label: str) -> dcc.Link | html.Span:
    if href is None:
        return html.Span(text, className="btn btn-lg btn-outline-light disabled", id=link_id)
    return dcc.Link(
        text,
        href=href,
        id=link_id,
        className="btn btn-lg btn-outline-light",
        title=label,
    )


def tour_bar(step: TourStepView | None) -> html.Div | None:
    """The step's caption between its previous and next buttons (the arrow keys press
    them, assets/atlas_presentation.js)."""
    if step is None:
        return None
    return html.Div(
        [
            _step_link("←", step.previous_href, PresentationIds.TOUR_PREVIOUS, "Vue précédente"),
            html.Div(
                [
                    html.Div(
                        f"{step.tour_name} · {step.position} / {step.count} · {step.step_name}",
                        className="tour-position",
                    ),
                    html.Div(step.caption, className="tour-caption"),
                ],
                className="tour-text",
                role="status",
            ),
            _step_link("→", step.next_href, PresentationIds.TOUR_NEXT, "Vue suivante"),
        ],
        className="tour-bar",
    )
