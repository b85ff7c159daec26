"""The view "Mes dossiers": the user's commission files, each with its print and PDF links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import html

TITLE = "Mes dossiers de commission"
EMPTY_TEXT = (
    "Aucun dossier pour l'instant. Dans « Résidences », cochez des résidences, donnez un "
    "titre et la date de la commission, puis « Créer le dossier »."
)


@dataclass(frozen=True)
class FileItem:
    """A file as the list shows it."""

    title: str
    commission_date: str  # French date, or "" when none was given
    residences: int
    print_href: str
    pdf_href: str


def files_view(items: Sequence[FileItem], finder_href: str) -> html.Div:
    if not items:
        body: html.Component = html.P(
            [EMPTY_TEXT, " ", html.A("Aller aux résidences", href=finder_href)]
        )
    else:
        body = html.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th("Dossier"),
                            html.Th("Commission"),
                            html.Th("Résidences"),
                            html.Th(""),
                        ]
                    )
                ),
                html.Tbody(
                    [
                        html.Tr(
                            [
                                html.Td(item.title),
                                html.Td(item.commission_date or "—"),
                                html.Td(str(item.residences), className="text-end"),
                                html.Td(
                                    [
                                        html.A(
                                            "Imprimer",
                                            href=item.print_href,
                                            target="_blank",
                                            className="btn btn-sm btn-outline-primary",
                                        ),
                                        " ",
                                        html.A(
                                            "PDF",
                                            href=item.pdf_href,
                                            className="btn btn-sm btn-outline-secondary",
                                        ),
                                    ]
                                ),
                            ]
                        )
                        for item in items
                    ]
                ),
            ],
            className="table table-sm files-table",
        )
    return html.Div([html.H1(TITLE, className="h4"), body], className="files-view")
