"""Load delimited files into a normalized DuckDB table, validating them in SQL.

Each file is read as text (all VARCHAR), typed and checked in one INSERT whose row order
is the file order, so that a row number turns back into a file line once the blank lines
and the lines DuckDB rejected (too few or too many fields) are accounted for (the blank
lines are sought only then, in a second pass over a file found wrong). The first
problem of a file, in line order, then column order, is raised as a SourceError.

The checks cost most of that INSERT, so a good row goes the cheap way: its cells are
trimmed only in a file where a space touches a value (`textfile.ScannedText.padded`),
and one flat AND of the rules' `sql_valid` proves it good; only a row it cannot prove
is checked field by field. DuckDB's typed read of the numbers would be cheaper still,
but it accepts what the rules refuse (`+3`, `3.0`, `3e0`, `0x3`, `1_000`, `inf`), so
every column is read as text and cast after its check.
"""

from __future__ import annotations

import csv
import itertools
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data.sources import textfile
from data.sources.errors import SourceError
from data.sources.fields import ACCEPTS_ALL, Field, sql_string
from data.sources.layout import YEARLY_FILES, year_in_name
from data.sources.schema import NORMALIZED_TABLES

# DuckDB's reasons for rejecting a line, in words for the data officer.
UNREADABLE_LINE = {
    "UNQUOTED VALUE": "guillemet non fermé ou texte après un guillemet fermant",
    "LINE SIZE OVER MAXIMUM": "ligne de plus de 2 Mo",
    "INVALID ENCODING": "caractère invalide",
}


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

    Rows are typed and checked in the same pass: each carries the index of its first bad
    field (`_bad`), so that finding the first error is a scan of one small column. The
    table appears only once every file has passed: a bad file leaves it untouched.
    """
    columns = ", ".join(f"{name} {kind}" for name, kind in NORMALIZED_TABLES[schema_name])
    loading = quote_identifier(f"{table}__loading_{uuid.uuid4().hex[:8]}")
    con.execute(f"CREATE TABLE {loading} ({columns}, _bad SMALLINT, _keep BOOLEAN)")
    try:
        with tempfile.TemporaryDirectory(prefix="atlas-sources-") as scratch:
            for path in paths:
                _load_file(con, Path(path), spec_for(Path(path)), loading, Path(scratch))
        con.execute(f"DELETE FROM {loading} WHERE NOT _keep")
        con.execute(f"ALTER TABLE {loading} DROP COLUMN _bad")
        con.execute(f"ALTER TABLE {loading} DROP COLUMN _keep")
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
        # Unnamed columns (a trailing delimiter at the end of each line) are ignored.
        if name and name in upper[:index]:
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


def _staged_value(field: Field, position: int | None, padded: bool) -> str:
    """SQL: the field's value, NULL when empty. DuckDB reads an empty cell as NULL; the
    value is trimmed (and NULL if only spaces) when the file has a space around a value
    (`textfile.ScannedText.padded`): trimming every cell of a file costs a third of its
    read."""
    if position is None:
        return "CAST(NULL AS VARCHAR)"
    text = f"trim(c{position})" if padded else f"c{position}"
    value = f"NULLIF({text}, '')" if padded else text
    if field.missing_markers:
        markers = ", ".join(sql_string(marker) for marker in field.missing_markers)
        value = f"(CASE WHEN lower({text}) IN ({markers}) THEN NULL ELSE {value} END)"
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
    rejects, reject_scans = f"_rejects_{tag}", f"_reject_scans_{tag}"
    raw_columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header.names)))
    values = ", ".join(
        f"{_staged_value(field, header.positions.get(field.sql_name), scanned.padded)} "
        f"AS {field.sql_name}"
        for field in spec.fields
    )
    checked = _checked_fields(spec, header)
    first_bad = _first_bad_sql([field for _, field in checked])
    (start,) = first_row(con, f"SELECT count(*) FROM {target}")
    try:
        con.execute(
            f"""INSERT INTO {target} SELECT {spec.select}, {first_bad}, {spec.keep}
            FROM (SELECT {values} FROM read_csv(
                {sql_string(str(readable))}, delim={sql_string(spec.delimiter)}, header=true,
                auto_detect=false, columns={{{raw_columns}}}, quote='"', escape='"',
                strict_mode=true, null_padding=false, store_rejects=true,
                rejects_table='{rejects}', rejects_scan='{reject_scans}'))"""
        )
        first_reject = _first_reject(con, path, header, rejects)
        (rows, rejected) = first_row(
            con,
            f"SELECT (SELECT count(*) FROM {target}) - {start}, "
            f"(SELECT count(DISTINCT line) FROM {rejects})",
        )
        bad_row = first_row(
            con,
            f"SELECT rowid - {start}, _bad FROM {target} WHERE rowid >= {start} "
            "AND _bad IS NOT NULL ORDER BY rowid LIMIT 1",
        )
    except duckdb.Error as exc:
        located = textfile.line_ending_problem(path, spec.delimiter)
        raise located or SourceError(path, None, None, f"lecture impossible : {exc}") from exc
    finally:
        for name in (rejects, reject_scans):
            con.execute(f"DROP TABLE IF EXISTS {name}")
    found = [first_reject] if first_reject else []
    if bad_row is not None:
        # Rows after a rejected line would map to wrong lines, but the rejected line comes
        # first and is the one reported then: only the blank lines shift row numbers.
        lines = textfile.line_facts(path)
        if rows + rejected + len(lines.blank_lines) + 1 == lines.line_count:
            line = _line_of_row(bad_row[0], lines.blank_lines)
        else:  # some quoted values hold line breaks
            line = _line_of_record(readable, spec.delimiter, bad_row[0], len(header.names))
        position, field = checked[bad_row[1]]
        found.append(_invalid_value(readable, spec, header, line, position, field, path))
    if found:
        raise min(found, key=lambda error: error.line or 0)


def _checked_fields(spec: FileSpec, header: _Header) -> list[tuple[int, Field]]:
    """The fields present in the file, in file column order (the order errors are sought)."""
    return sorted(
        (position, field)
        for field in spec.fields
        if (position := header.positions.get(field.sql_name)) is not None
    )


def _first_bad_sql(fields: Sequence[Field]) -> str:
    """SQL: the index in `fields` of the row's first bad field, NULL for a good row.

    One flat AND of the fields' `sql_valid` proves most rows good; only the rows it does
    not prove are checked field by field (a CASE per field, several times slower), to
    name the first one wrong, or none (NULL) for a value it could not prove.
    """
    proofs = [proof for field in fields if (proof := _valid_sql(field)) != ACCEPTS_ALL]
    first_bad = " ".join(
        f"WHEN {_invalid_sql(field)} THEN {index}" for index, field in enumerate(fields)
    )
    if not first_bad:
        return "CAST(NULL AS SMALLINT)"
    if not proofs:
        return f"CASE {first_bad} END"
    return f"CASE WHEN {' AND '.join(proofs)} THEN NULL ELSE (CASE {first_bad} END) END"


def _valid_sql(field: Field) -> str:
    """SQL true when the field's value is proven good (present if required)."""
    valid = field.rule.sql_valid(field.sql_name)
    if not field.required:
        return valid if valid == ACCEPTS_ALL else f"coalesce({valid}, {field.sql_name} IS NULL)"
    present = f"{field.sql_name} IS NOT NULL"
    return present if valid == ACCEPTS_ALL else f"coalesce({valid}, false)"


def _invalid_sql(field: Field) -> str:
    missing = "true" if field.required else "false"
    name = field.sql_name
    return f"(CASE WHEN {name} IS NULL THEN {missing} ELSE {field.rule.sql_invalid(name)} END)"


def _invalid_value(
    readable: Path,
    spec: FileSpec,
    header: _Header,
    line: int,
    position: int,
    field: Field,
    path: Path,
) -> SourceError:
    """The error for the bad value at `line`, re-read from the file to quote it."""
    with readable.open(encoding="utf-8", newline="\n") as handle:
        for _ in itertools.islice(handle, line - 1):
            pass
        cells = next(csv.reader(handle, delimiter=spec.delimiter, quotechar='"'))
    value = cells[position].strip()
    if value.lower() in field.missing_markers:
        value = ""
    message = field.rule.problem(value) if value else "valeur manquante"
    return SourceError(path, line, header.names[position], message)


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
        reason = UNREADABLE_LINE.get(error_type, error_type.lower())
        message = f"ligne illisible ({reason}) : {csv_line.strip()[:80]}"
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


def _line_of_record(readable: Path, delimiter: str, row_index: int, width: int) -> int:
    """First line of the `row_index`-th row kept by DuckDB, counting records in Python.

    The slow path, for files where a quoted value spans several lines.
    """
    with readable.open(encoding="utf-8", newline="\n") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"')
        next(reader)
        kept, start = -1, reader.line_num + 1
        for record in reader:
            if len(record) == width:
                kept += 1
                if kept == row_index:
                    return start
            start = reader.line_num + 1
    raise ValueError(f"row {row_index} not found in {readable}")
