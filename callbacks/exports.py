"""Gated export routes (Flask, behind the auth gate like every route): the finder's table
as filtered, a zone's figures, the map's values at a scale, as CSV or XLSX.

Thin wiring: the scope comes from the session, never from the request; the store applies
it exactly as on screen, so a crafted request gets nothing the user could not see;
`layouts/exports.py` builds the table and `layouts/export_files.py` writes it. Every
export is written to the audit log (`export`: what, how many rows, which filter).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from dash import Dash
from flask import Response, abort, request

from auth.access import current_scope, log_access
from auth.dates import french_date
from auth.scope import restricted_notice
from data.catalog import CATALOG, ZONE_SCALES
from data.scope import AccessScope
from data.store.store import Store
from layouts.export_files import ExportTable, table_csv, table_xlsx
from layouts.exports import ExportContext, finder_export, map_export, zone_export
from layouts.finder import chosen_fields
from layouts.finder_state import parse_finder_query

MAX_EXPORT_ROWS = 50_000
FORMATS: dict[str, tuple[Callable[[ExportTable], bytes], str]] = {
    "csv": (table_csv, "text/csv; charset=utf-8"),
    "xlsx": (table_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def export_context(store: Store, scope: AccessScope, today: date) -> ExportContext:
    return ExportContext(
        notice=restricted_notice(scope, today),
        convention=scope.convention_number,
        partner=scope.partner_name,
        day=french_date(today),
        vintages=store.manifest.get("vintages", {}),
        threshold=store.secrecy_threshold,
        demo=store.is_demo,
    )


def finder_table(store: Store, scope: AccessScope, search: str, today: date) -> ExportTable:
    """The finder's rows as the permalink filters and sorts them, its shown columns."""
    state = parse_finder_query(search)
    columns = store.finder_columns(scope)
    shown = set(chosen_fields(state, columns))
    page = store.finder_page(
        scope, state.query, 0, MAX_EXPORT_ROWS, max_rows=MAX_EXPORT_ROWS, fields=shown
    )
    return finder_export(page, page.columns, search, export_context(store, scope, today))


def zone_table(
    store: Store, scope: AccessScope, scale: str, code: str, year: int | None, today: date
) -> ExportTable | None:
    summary = store.zone_summary(scale, code, year, scope)
    if summary is None:
        return None
    return zone_export(summary, export_context(store, scope, today))


def map_table(
    store: Store, scope: AccessScope, scale: str, indicator_id: str, year: int, today: date
) -> ExportTable | None:
    indicator = CATALOG.get(indicator_id)
    if indicator is None or scale not in store.map_scales or scale not in indicator.scales:
        return None
    values = store.map_values(scale, indicator_id, year, scope)
    codes = [code for code, _, _ in values]
    if scale == "residence":
        names = store.residence_labels(codes)
    else:
        names = {code: ref.name for code in codes if (ref := store.zone_ref(scale, code))}
    return map_export(values, names, scale, indicator_id, year, export_context(store, scope, today))


def _send(table: ExportTable, file_format: str, name: str, what: str, query: str) -> Response:
    writer, mimetype = FORMATS[file_format]
    body = writer(table)
    log_access(
        "export", f"{what} {file_format}, {len(table.rows)} lignes ; filtre : {query or 'aucun'}"
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'},
    )


def _year(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def register(app: Dash, store: Store) -> None:
    prefix = app.config.routes_pathname_prefix

    @app.server.get(f"{prefix}export/residences.<file_format>")
    def export_residences(file_format: str) -> Response:
        if file_format not in FORMATS:
            abort(404)
        search = request.query_string.decode("utf-8", "replace")
        table = finder_table(store, current_scope(), search, date.today())
        return _send(table, file_format, "residences", "résidences", search)

    @app.server.get(f"{prefix}export/zone/<scale>/<code>.<file_format>")
    def export_zone(scale: str, code: str, file_format: str) -> Response:
        if file_format not in FORMATS or scale not in ZONE_SCALES:
            abort(404)
        year = _year(request.args.get("annee"))
        table = zone_table(store, current_scope(), scale, code, year, date.today())
        if table is None:
            abort(404)
        what = f"zone {scale}:{code}"
        return _send(table, file_format, f"zone-{scale}-{code}", what, f"annee={year}")

    @app.server.get(f"{prefix}export/carte/<scale>/<indicator_id>/<int:year>.<file_format>")
    def export_map(scale: str, indicator_id: str, year: int, file_format: str) -> Response:
        if file_format not in FORMATS:
            abort(404)
        table = map_table(store, current_scope(), scale, indicator_id, year, date.today())
        if table is None:
            abort(404)
        name = f"carte-{scale}-{indicator_id.replace('.', '-')}-{year}"
        return _send(table, file_format, name, f"carte {scale} {indicator_id} {year}", "")
