"""Load delimited files into a normalized DuckDB table, validating them in SQL.

Each file is read as text (all VARCHAR) into a staging table whose row order is the file
order, so that a row number turns back into a file line once the blank lines and the
lines DuckDB rejected (too few or too many fields) are accounted for. The first problem
of a file, in line order, then column order, is raised as a SourceError.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data.sources import textfile
from data.sources.errors import SourceError
from data.sources.fields import Field, sql_string
from data.sources.layout import YEARLY_FILES, year_in_name
from data.sources.schema import NORMALIZED_TABLES


@dataclass(frozen=True)
class FileSpec:
    """How to read one file: its fields, and the SELECT list giving the normalized columns.

    `select` is written over the fields' `sql_name`s, in the order of the table's schema.
    """

    fields: Sequence[Field]
    select: str
    delimiter: str = ";"
    keep: str = "true"


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[object] = ()
) -> tuple | None:
    """The first row of a query, reading the result to its end as DuckDB requires."""
    rows = con.execute(sql, parameters).fetchall()
    return rows[0] if rows else None


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def require_year(path: Path, source: str) -> int:
    """The vintage year in the file name; a file without one cannot be stacked."""
    found = year_in_name(path, source)
    if found is None:
        example = YEARLY_FILES[source][1].replace(r"(\d{4})", "2024").replace(r"(\d{2})", "24")
        example = example.replace("\\", "")
        raise SourceError(
            path, None, None, f"année introuvable dans le nom du fichier (attendu : {example})"
        )
    return found


def load_files(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    table: str,
    schema_name: str,
    spec_for: Callable[[Path], FileSpec],
) -> int:
    """Create (or replace) `table` with the normalized rows of every file; return its size.

    The table appears only once every file has passed: a bad file leaves it untouched.
    """
    columns = ", ".join(f"{name} {kind}" for name, kind in NORMALIZED_TABLES[schema_name])
    loading = quote_identifier(f"{table}__loading_{uuid.uuid4().hex[:8]}")
    con.execute(f"CREATE TABLE {loading} ({columns})")
    try:
        with tempfile.TemporaryDirectory(prefix="atlas-sources-") as scratch:
            for path in paths:
                _load_file(con, Path(path), spec_for(Path(path)), loading, Path(scratch))
        con.execute(f"DROP TABLE IF EXISTS {quote_identifier(table)}")
        con.execute(f"ALTER TABLE {loading} RENAME TO {quote_identifier(table)}")
    finally:
        con.execute(f"DROP TABLE IF EXISTS {loading}")
    return first_row(con, f"SELECT count(*) FROM {quote_identifier(table)}")[0]


@dataclass
class _Header:
    names: list[str]
    positions: dict[str, int]  # field sql_name -> index in the file


def _match_header(path: Path, header_line: str, spec: FileSpec) -> _Header:
    names = textfile.split_header(header_line, spec.delimiter)
    upper = [name.upper() for name in names]
    for index, name in enumerate(upper):
        if not name:
            raise SourceError(path, 1, None, f"en-tête : colonne n° {index + 1} sans nom")
        if name in upper[:index]:
            raise SourceError(path, 1, names[index], "en-tête : colonne en double")
    positions: dict[str, int] = {}
    missing: list[str] = []
    for field in spec.fields:
        wanted = field.name.upper()
        for candidate in (wanted, f"{wanted}_CODE"):
            if candidate in upper:
                positions[field.sql_name] = upper.index(candidate)
                break
        else:
            if not field.optional:
                missing.append(field.name)
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise SourceError(
            path,
            1,
            missing[0],
            f"colonne{plural} manquante{plural} : {', '.join(missing)} "
            f"(séparateur attendu : « {spec.delimiter} »)",
        )
    return _Header(names, positions)


def _staged_value(field: Field, position: int | None) -> str:
    if position is None:
        return "CAST(NULL AS VARCHAR)"
    value = f"NULLIF(trim(c{position}), '')"
    if field.missing_markers:
        markers = ", ".join(sql_string(marker) for marker in field.missing_markers)
        value = f"(CASE WHEN lower(trim(c{position})) IN ({markers}) THEN NULL ELSE {value} END)"
    return value


def _load_file(
    con: duckdb.DuckDBPyConnection, path: Path, spec: FileSpec, target: str, scratch: Path
) -> None:
    if not path.is_file():
        raise SourceError(path, None, None, "fichier introuvable")
    scanned = textfile.scan(path, spec.delimiter)
    header = _match_header(path, scanned.header, spec)
    readable = textfile.utf8_copy(scanned, scratch)
    tag = uuid.uuid4().hex[:8]
    staged, rejects, reject_scans = f"_staged_{tag}", f"_rejects_{tag}", f"_reject_scans_{tag}"
    raw_columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header.names)))
    selected = ", ".join(
        f"{_staged_value(field, header.positions.get(field.sql_name))} AS {field.sql_name}"
        for field in spec.fields
    )
    try:
        con.execute(
            f"""CREATE TEMP TABLE {staged} AS SELECT {selected} FROM read_csv(
                {sql_string(str(readable))}, delim={sql_string(spec.delimiter)}, header=true,
                auto_detect=false, columns={{{raw_columns}}}, quote='"', escape='"',
                strict_mode=true, null_padding=false, store_rejects=true,
                rejects_table='{rejects}', rejects_scan='{reject_scans}')"""
        )
        first_reject = _first_reject(con, path, header, rejects)
        # Rows after a rejected line would map to wrong lines, but the rejected line comes
        # first and is the one reported then: only the blank lines shift row numbers.
        first_invalid = _first_invalid(con, path, spec, header, staged, scanned.blank_lines)
        found = [error for error in (first_reject, first_invalid) if error is not None]
        if found:
            raise min(found, key=lambda error: error.line or 0)
        con.execute(f"INSERT INTO {target} SELECT {spec.select} FROM {staged} WHERE {spec.keep}")
    except duckdb.Error as exc:
        raise SourceError(path, None, None, f"lecture impossible : {exc}") from exc
    finally:
        for name in (staged, rejects, reject_scans):
            con.execute(f"DROP TABLE IF EXISTS {name}")


def _first_reject(
    con: duckdb.DuckDBPyConnection, path: Path, header: _Header, rejects: str
) -> SourceError | None:
    row = first_row(
        con,
        f"SELECT line, error_type, column_name, csv_line FROM {rejects} "
        "ORDER BY line, column_idx LIMIT 1",
    )
    if row is None:
        return None
    line, error_type, column_name, csv_line = row
    column = None
    if column_name and column_name.startswith("c") and column_name[1:].isdigit():
        column = header.names[int(column_name[1:])]
    expected = len(header.names)
    if error_type == "MISSING COLUMNS":
        message = f"ligne tronquée : {expected} champs attendus, champ {column} absent"
    elif error_type == "TOO MANY COLUMNS":
        message = f"ligne trop longue : plus de {expected} champs"
    else:
        message = f"ligne illisible ({error_type.lower()}) : {csv_line.strip()[:80]}"
    return SourceError(path, int(line), column, message)


def _line_of_row(row_index: int, skipped: list[int]) -> int:
    """File line of the staged row `row_index` (0-based), the header being line 1."""
    line = row_index + 2
    for skipped_line in skipped:
        if skipped_line <= line:
            line += 1
        else:
            break
    return line


def _first_invalid(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    spec: FileSpec,
    header: _Header,
    staged: str,
    skipped: list[int],
) -> SourceError | None:
    present = sorted(
        (position, field)
        for field in spec.fields
        if (position := header.positions.get(field.sql_name)) is not None
    )
    if not present:
        return None
    cases = []
    for index, (_, field) in enumerate(present):
        name = field.sql_name
        missing = "true" if field.required else "false"
        invalid = field.rule.sql_invalid(name)
        cases.append(
            f"WHEN (CASE WHEN {name} IS NULL THEN {missing} ELSE {invalid} END) THEN {index}"
        )
    row = first_row(
        con,
        f"""SELECT rowid, bad FROM (SELECT rowid, CASE {" ".join(cases)} END AS bad
            FROM {staged}) WHERE bad IS NOT NULL ORDER BY rowid LIMIT 1""",
    )
    if row is None:
        return None
    row_index, bad = row
    position, field = present[bad]
    (value,) = first_row(con, f"SELECT {field.sql_name} FROM {staged} WHERE rowid = ?", [row_index])
    message = "valeur manquante" if value is None else field.rule.problem(value)
    return SourceError(path, _line_of_row(row_index, skipped), header.names[position], message)
