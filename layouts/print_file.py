"""A commission file as it is printed: a cover page, then one A4 page per residence.

Pure functions from the store's residence sheets to plain printable values (tables of
French texts, a small map as SVG); `routes/commission_print.py` renders them through one
HTML template, which the browser prints and Chromium turns into the PDF: both show the
same content. The small map is a static drawing (the IRIS and QPV outlines and the
residences around, in a square of about 900 m), since map tiles are not reachable offline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from data.catalog import CATALOG, DISTANCE_LABEL_PREFIX, THEMES
from data.diagnostic import CLASS_ID, FLAGS_ID
from data.scope import OCCUPATION_GRANTED, OCCUPATION_NOT_GRANTED
from data.store.types import ResidenceSheet, Surroundings, TrendPoint
from layouts.formatting import format_value
from layouts.panel_labels import (
    KEY_FIGURES,
    OCCUPATION_NOT_GRANTED_TEXT,
    OCCUPATION_OUT_OF_PERIMETER_TEXT,
    PARC_NOT_GRANTED_TEXT,
    SIZE_CLASS_LABELS,
    level_name,
    secret_residence_text,
)

MAP_SIZE = 200  # pixels of the square small map
SCALE_BAR_M = 200
TYPOLOGY_AND_RENTS = (
    "parc.t1_share",
    "parc.t2_share",
    "parc.t3_share",
    "parc.t4_share",
    "parc.t5p_share",
    "parc.rent_per_habitable_m2",
)
VACANCY = ("parc.vacancy_rate_offered", "parc.vacancy_over_3_months_rate", "parc.move_in_rate")
TREND = ("parc.dwellings", "parc.vacancy_rate_offered", "parc.move_in_rate", "occupation.apl_share")
PARC_KEY = tuple(
    i
    for i in KEY_FIGURES
    if CATALOG[i].theme == "parc" and i not in VACANCY and i not in TYPOLOGY_AND_RENTS
)
OCCUPATION_KEY = tuple(i for i in KEY_FIGURES if CATALOG[i].theme == "occupation")
NAMED_THEMES = ("parc", "occupation")
# What a residence's page keeps of the other themes: their values at the residence scale,
# the fragility diagnosis summed up by its class and its number of flags (its criteria are
# the occupation and vacancy figures above); a theme without residence values (the
# allocations, by commune) has no table.
PRINTED_FIGURES = {"diagnostic": (CLASS_ID, FLAGS_ID)}


@dataclass(frozen=True)
class PrintedTable:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    wide: bool = False  # across both columns of the page (a row per indicator, a column per year)


@dataclass(frozen=True)
class PrintedResidence:
    residence_id: str
    name: str
    facts: tuple[tuple[str, str], ...]
    map_svg: str  # trusted SVG built here from numbers only
    tables: tuple[PrintedTable, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class PrintedFile:
    title: str
    commission_date: str
    notice: str
    convention: str
    partner: str
    residences: tuple[PrintedResidence, ...]


def _cell(indicator_id: str, measure_value: float | None, status: str) -> str:
    indicator = CATALOG[indicator_id]
    if indicator.categories and measure_value is not None and status == "ok":
        return indicator.categories[int(measure_value)]
    unit = indicator.unit if indicator.unit in ("%", "€/m²", "ans") else ""
    return format_value(measure_value, unit, indicator.decimals, status)


def figures_table(
    title: str, sheet: ResidenceSheet, indicator_ids: Iterable[str]
) -> PrintedTable | None:
    """The indicators' latest values for the residence and its IRIS, commune and EPCI.
    Distances name only their equipment, the title saying what they measure, so that a
    residence keeps to one A4 page."""
    shown = [i for i in indicator_ids if i in sheet.measures]
    rows = tuple(
        (
            CATALOG[indicator_id].label.removeprefix(DISTANCE_LABEL_PREFIX),
            *(_cell(indicator_id, m.value, m.status) for m in sheet.measures[indicator_id]),
        )
        for indicator_id in shown
    )
    if not rows:
        return None
    headers = ("Indicateur", *(level_name(level.scale, level.name) for level in sheet.levels))
    if any(CATALOG[i].label.startswith(DISTANCE_LABEL_PREFIX) for i in shown):
        title = f"{title} (distances à vol d'oiseau)"
    return PrintedTable(title, headers, rows)


def trend_table(trend: dict[str, tuple[TrendPoint, ...]]) -> PrintedTable | None:
    """The residence's figures over the vintages, oldest first."""
    years = sorted({year for points in trend.values() for year, _, _ in points})
    if not years:
        return None
    rows = tuple(
        (
            CATALOG[indicator_id].label,
            *(
                next(
                    (_cell(indicator_id, v, s) for y, v, s in trend[indicator_id] if y == year),
                    "n.d.",
                )
                for year in years
            ),
        )
        for indicator_id in TREND
        if indicator_id in trend
    )
    return PrintedTable(
        "Évolution de la résidence", ("Indicateur", *map(str, years)), rows, wide=True
    )


def small_map_svg(place: Surroundings | None) -> str:
    """The residence (red) among the residences around it (grey), with the outline of its
    IRIS (and QPV, dashed), north up, and a 200 m scale bar."""
    if place is None:
        return ""

    def xy(lon: float, lat: float) -> tuple[float, float]:
        x = (lon - place.lon + place.half_width_deg_lon) / (2 * place.half_width_deg_lon)
        y = (place.lat + place.half_width_deg_lat - lat) / (2 * place.half_width_deg_lat)
        return round(x * MAP_SIZE, 1), round(y * MAP_SIZE, 1)

    parts = [f'<rect width="{MAP_SIZE}" height="{MAP_SIZE}" fill="#f4f6f8"/>']
    for index, geometry in enumerate(place.outlines):
        dash = ' stroke-dasharray="5 3"' if index else ""
        for ring in _rings(geometry):
            points = " ".join("{},{}".format(*xy(lon, lat)) for lon, lat in ring)
            parts.append(
                f'<polygon points="{points}" fill="none" stroke="#1f4e79" '
                f'stroke-width="1.5"{dash}/>'
            )
    for lon, lat in place.neighbours:
        x, y = xy(lon, lat)
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="#8a949e"/>')
    x, y = xy(place.lon, place.lat)
    parts.append(f'<circle cx="{x}" cy="{y}" r="7" fill="#c0392b" stroke="#fff" stroke-width="2"/>')
    bar = SCALE_BAR_M / (2 * _half_width_m(place)) * MAP_SIZE
    parts.append(
        f'<line x1="10" y1="{MAP_SIZE - 12}" x2="{10 + bar:.1f}" y2="{MAP_SIZE - 12}" '
        'stroke="#000" stroke-width="2"/>'
        f'<text x="10" y="{MAP_SIZE - 16}" font-size="10">{SCALE_BAR_M} m</text>'
        f'<text x="{MAP_SIZE - 16}" y="16" font-size="12" font-weight="bold">N</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="print-map" width="{MAP_SIZE}" '
        f'height="{MAP_SIZE}" viewBox="0 0 {MAP_SIZE} {MAP_SIZE}" role="img" '
        'aria-label="Plan de situation de la résidence">' + "".join(parts) + "</svg>"
    )


def _half_width_m(place: Surroundings) -> float:
    return place.half_width_deg_lat * 111_320


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [[(float(p[0]), float(p[1])) for p in ring] for polygon in polygons for ring in polygon]


def printed_residence(
    sheet: ResidenceSheet,
    place: Surroundings | None,
    trend: dict[str, tuple[TrendPoint, ...]],
    threshold: int,
) -> PrintedResidence:
    """One residence's page: identification, small map, figures against its zones,
    occupation when the convention covers it, other themes' figures, the trend."""
    facts: list[tuple[str, str]] = [
        ("Adresse", sheet.address),
        ("Commune", sheet.commune.name if sheet.commune else "n.d."),
        ("IRIS", sheet.iris.name if sheet.iris else "n.d."),
        ("Quartier prioritaire", sheet.qpv.name if sheet.qpv else "Hors QPV"),
        ("Bailleur", sheet.bailleur_name),
        ("Taille", SIZE_CLASS_LABELS.get(sheet.size_class or "", "secret")),
    ]
    if sheet.parc_granted:
        facts.append(("Logements", "secret" if sheet.secret else format_value(sheet.n_dwellings)))
        built = sheet.construction_year
        facts.append(
            ("Année de construction", "secret" if sheet.secret else str(built) if built else "n.d.")
        )
    notes: list[str] = []
    tables: list[PrintedTable | None] = []
    if sheet.secret:
        notes.append(secret_residence_text(threshold))
    elif not sheet.parc_granted:
        notes.append(PARC_NOT_GRANTED_TEXT)
    else:
        tables += [
            figures_table("Chiffres clés", sheet, PARC_KEY),
            figures_table("Typologie et loyers", sheet, TYPOLOGY_AND_RENTS),
            figures_table("Vacance et rotation", sheet, VACANCY),
        ]
    if not sheet.secret:
        if sheet.occupation_access == OCCUPATION_GRANTED:
            tables.append(figures_table("Occupation (enquête OPS)", sheet, OCCUPATION_KEY))
        else:
            notes.append(
                OCCUPATION_NOT_GRANTED_TEXT
                if sheet.occupation_access == OCCUPATION_NOT_GRANTED
                else OCCUPATION_OUT_OF_PERIMETER_TEXT
            )
        for theme, label in THEMES.items():
            if theme not in NAMED_THEMES:
                tables.append(figures_table(label, sheet, printed_figures(sheet, theme)))
        tables.append(trend_table(trend))
    return PrintedResidence(
        residence_id=sheet.residence_id,
        name=sheet.name,
        facts=tuple(facts),
        map_svg=small_map_svg(place),
        tables=tuple(table for table in tables if table is not None),
        notes=tuple(notes),
    )


def printed_figures(sheet: ResidenceSheet, theme: str) -> list[str]:
    """The indicators of `theme` a residence's page shows (`PRINTED_FIGURES`)."""
    wanted = PRINTED_FIGURES.get(theme)
    return [
        i
        for i in sheet.measures
        if CATALOG[i].theme == theme
        and "residence" in CATALOG[i].scales
        and (wanted is None or i in wanted)
    ]


TEMPLATES = Path(__file__).parent / "templates"
ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
)
STYLESHEET = (TEMPLATES / "print_file.css").read_text(encoding="utf-8")


def render_file(file: PrintedFile, *, with_cover: bool, pdf_href: str | None) -> str:
    """The self-contained page the browser prints (with a toolbar, hidden in print) and
    Chromium turns into the PDF (without it): one template, the same content."""
    return ENVIRONMENT.get_template("print_file.html").render(
        file=file,
        stylesheet=STYLESHEET,
        notice_css=css_string(file.notice),
        with_cover=with_cover,
        with_toolbar=pdf_href is not None,
        pdf_href=pdf_href,
    )


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that cannot close the string nor the style element."""
    escaped = "".join(c if c.isalnum() or c in " -—,.'/()°" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'
