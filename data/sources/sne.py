"""SNE reader: aggregated pending applications and allocations, stacked into `sne`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from data.sources import codes
from data.sources.csvload import FileSpec, load_files
from data.sources.fields import (
    DEPCOM,
    QPV_CODE,
    SIREN,
    Codes,
    Field,
    Number,
    Pattern,
    as_integer,
    as_number,
    flag,
    vintage_column,
)
from data.sources.layout import year_in_name


def fields(vintage: int | None) -> list[Field]:
    return [
        Field("DEPCOM", Pattern(DEPCOM, "code commune INSEE à 5 caractères"), required=True),
        Field("ANNEE", vintage_column(vintage), required=True),
        Field("INDICATEUR", Codes(tuple(codes.SNE_INDICATEUR)), required=True),
        Field("TYPOLOGIE", Codes(codes.SNE_TYPOLOGIE), required=True),
        Field("QUARTILE", Codes(tuple(codes.SNE_QUARTILE)), required=True),
        Field("QPV", flag(), required=True),
        Field("RESERVATAIRE", Codes(tuple(codes.SNE_RESERVATAIRE)), required=True),
        Field("PUBLIC_PRIORITAIRE", flag(), required=True),
        Field("NOMBRE", Number(0, None, integer=True), required=True),
        Field("DELAI_MEDIAN_MOIS", Number(0, 1200)),
        # Optional columns (absent from older extracts: read as empty).
        Field("SIREN_BAILLEUR", Pattern(SIREN, "SIREN à 9 chiffres"), optional=True),
        Field("CODE_QPV", Pattern(QPV_CODE, "code de QPV (QN059…)"), optional=True),
        Field("MOTIF", Codes(tuple(codes.SNE_MOTIF)), optional=True),
        Field("ANCIENNETE_MOIS", Codes(tuple(codes.SNE_ANCIENNETE)), optional=True),
    ]


SELECT = f"""{as_integer("annee")}, depcom, indicateur, typologie, quartile, qpv = '1',
    reservataire, public_prioritaire = '1', {as_integer("nombre")},
    {as_number("delai_median_mois")}, siren_bailleur, code_qpv, motif, anciennete_mois"""


def spec_for(path: Path) -> FileSpec:
    return FileSpec(fields(year_in_name(path, "sne")), SELECT)


def load(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], table: str = "sne") -> int:
    """Create `table` from SNE extracts; the year is the ANNEE column (that of the file name)."""
    return load_files(con, paths, table, "sne", spec_for)
