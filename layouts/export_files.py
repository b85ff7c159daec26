"""Tables exported as files a French spreadsheet opens as they are: CSV (UTF-8 with a
byte-order mark, `;` between fields, decimal comma) and XLSX (numbers typed as numbers, a
header row, frozen panes, and a sheet "À lire" with the notice, the convention, the date,
the sources and vintages, and the secrecy rule). A value that may not be shown is written
"s", never as a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from data.spreadsheet import spreadsheet_safe

SECRET_CELL = "s"
README_SHEET = "À lire"
# A cell of an exported table: text, a number, None (missing) or SECRET_CELL.
Cell = str | float | int | None


@dataclass(frozen=True)
class ExportTable:
    title: str  # the data sheet's name (31 characters at most in XLSX)
    headers: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]
    about: tuple[tuple[str, str], ...]  # the "À lire" lines: (label, text)


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "oui" if cell else "non"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        return repr(round(cell, 6)).replace(".", ",").removesuffix(",0")
    return spreadsheet_safe(cell)


def table_csv(table: ExportTable) -> bytes:
    """The table as CSV for a French spreadsheet, its notice lines first."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for label, text in table.about:
        writer.writerow([spreadsheet_safe(label), spreadsheet_safe(text)])
    writer.writerow([])
    writer.writerow([spreadsheet_safe(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def table_xlsx(table: ExportTable) -> bytes:
    """The table as a workbook: the data sheet first (typed numbers, frozen header), then
    the sheet "À lire"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]
    sheet.append(list(table.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([spreadsheet_safe(c) if isinstance(c, str) else c for c in row])
    sheet.freeze_panes = "B2"
    readme = workbook.create_sheet(README_SHEET)
    for label, text in table.about:
        readme.append([label, text])
        readme.cell(readme.max_row, 1).font = Font(bold=True)
    readme.column_dimensions["A"].width = 28
    readme.column_dimensions["B"].width = 110
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
