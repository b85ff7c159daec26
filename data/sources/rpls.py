"""RPLS reader: one row per dwelling, every vintage stacked into the `rpls` table.

`BAIL` (start of the current lease) is a month `MM/AAAA` in the SDES files, a bare year in
older feeds: both are read, as a year. `REMLOCDATE` (month since which a vacant dwelling
is offered for rent: the start of its vacancy) is optional; without it the vacancy of
more than three months is not available (`nd`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from data.sources import codes
from data.sources.csvload import FileSpec, load_files, require_year
from data.sources.fields import (
    DEPCOM,
    LAMBERT93_X,
    LAMBERT93_Y,
    QPV_CODE,
    SIREN,
    Codes,
    Field,
    MonthYear,
    Number,
    Pattern,
    as_integer,
    as_number,
    first_day_of_month,
    year,
    year_of_month,
)
from data.sources.textfile import UTF8_BOM, split_header

OLDEST_BUILDING = 1000
OLDEST_LEASE = 1900


def fields(vintage: int) -> list[Field]:
    dpe = Codes(codes.DPE_CLASSES)
    return [
        Field("IDENT_INT", required=True),
        Field("DEPCOM", Pattern(DEPCOM, "code commune INSEE à 5 caractères"), required=True),
        Field("LIBCOM"),
        Field("CODEPOSTAL", Pattern(r"[0-9]{5}", "code postal à 5 chiffres")),
        Field("NUMVOIE"),
        Field("INDREP"),
        Field("TYPVOIE"),
        Field("NOMVOIE"),
        Field("PLG_IRIS", Pattern(r"[0-9]{4}", "numéro d'IRIS à 4 chiffres")),
        Field("QPV", Pattern(QPV_CODE, "code de QPV (QN059…)")),
        Field("X", Number(*LAMBERT93_X, what="abscisse Lambert-93 en mètres")),
        Field("Y", Number(*LAMBERT93_Y, what="ordonnée Lambert-93 en mètres")),
        Field("TYPECONST", Codes(tuple(codes.RPLS_TYPECONST)), required=True),
        Field("NBPIECE", Number(1, 9, integer=True), required=True),
        Field("SURFHAB", Number(0, 1000, comma=True)),
        Field("CONSTRUCT", year(OLDEST_BUILDING, vintage)),
        Field("LOCAT", year(OLDEST_BUILDING, vintage)),
        Field("ORIGINE", Codes(tuple(codes.RPLS_ORIGINE))),
        Field("FINAN", Codes(tuple(codes.RPLS_FINAN))),
        Field("FINANAUTRE"),
        Field("CONV", Codes(tuple(codes.RPLS_CONV))),
        Field("MODE", Codes(tuple(codes.RPLS_MODE)), required=True),
        Field("BAIL", MonthYear(OLDEST_LEASE, vintage, year_alone=True)),
        Field("REMLOCDATE", MonthYear(OLDEST_LEASE, vintage), optional=True),
        Field("LOYERPRINC", Number(0, 99_999)),
        Field("SURFMODE", Number(0, 1000)),
        Field("DPEENERGIE", dpe),
        Field("DPESERRE", dpe),
        Field("NOMPROG"),
        Field("SIREN_BAILLEUR", Pattern(SIREN, "SIREN à 9 chiffres"), required=True),
        Field("RS_BAILLEUR"),
    ]


def select(vintage: int, reports_vacancy_start: bool) -> str:
    return f"""{vintage}, ident_int, depcom, libcom, codepostal, numvoie, indrep, typvoie,
        nomvoie, depcom || plg_iris, qpv, {as_number("x")}, {as_number("y")}, typeconst,
        {as_integer("nbpiece")}, {as_number("surfhab")}, {as_integer("construct")},
        {as_integer("locat")}, origine, finan, finanautre, conv, mode, {year_of_month("bail")},
        {first_day_of_month("remlocdate")}, {str(reports_vacancy_start).lower()},
        NULLIF({as_number("loyerprinc")}, {codes.RENT_NOT_APPLICABLE}),
        {as_number("surfmode")}, dpeenergie, dpeserre, nomprog, siren_bailleur, rs_bailleur"""


def reports_column(path: Path, column: str) -> bool:
    """Whether the header of `path` names `column` (a missing file names nothing)."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        header = handle.readline().removeprefix(UTF8_BOM).decode("cp1252", "replace")
    return column.upper() in (name.upper() for name in split_header(header, ";"))


def spec_for(path: Path) -> FileSpec:
    vintage = require_year(path, "rpls")
    return FileSpec(fields(vintage), select(vintage, reports_column(path, "REMLOCDATE")))


def load(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], table: str = "rpls") -> int:
    """Create `table` from RPLS files named RPLS_<yyyy>.csv (vintage at 1 January)."""
    return load_files(con, paths, table, "rpls", spec_for)
