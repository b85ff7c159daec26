"""OPS reader: one row per household of a let dwelling, every survey stacked into `ops`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from data.sources import codes
from data.sources.csvload import FileSpec, load_files, require_year
from data.sources.fields import (
    DEPCOM,
    SIREN,
    Codes,
    Field,
    Number,
    Pattern,
    as_integer,
    flag,
    year,
)

OLDEST_MOVE_IN = 1900


def fields(vintage: int) -> list[Field]:
    people = Number(0, 30, integer=True)
    return [
        Field("SIREN_BAILLEUR", Pattern(SIREN, "SIREN à 9 chiffres"), required=True),
        Field("IDENT_INT", required=True),
        Field("DEPCOM", Pattern(DEPCOM, "code commune INSEE à 5 caractères"), required=True),
        Field("COMPO", Codes(tuple(codes.OPS_COMPO))),
        Field("NB_ENFANTS", people),
        Field("NB_OCCUPANTS", Number(1, 30, integer=True)),
        Field("AGE_TITULAIRE", Number(14, 120, integer=True)),
        Field("TRANCHE_REVENU", Codes(tuple(codes.OPS_TRANCHE_REVENU))),
        Field("APL", flag()),
        Field("NB_ADULTES", people),
        Field("NB_ADULTES_EMPLOI", people),
        Field("ANNEE_ENTREE", year(OLDEST_MOVE_IN, vintage)),
    ]


def select(vintage: int) -> str:
    return f"""{vintage}, siren_bailleur, ident_int, depcom, compo,
        {as_integer("nb_enfants")}, {as_integer("nb_occupants")},
        {as_integer("age_titulaire")}, tranche_revenu, apl = '1', {as_integer("nb_adultes")},
        {as_integer("nb_adultes_emploi")}, {as_integer("annee_entree")}"""


def spec_for(path: Path) -> FileSpec:
    vintage = require_year(path, "ops")
    return FileSpec(fields(vintage), select(vintage))


def load(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], table: str = "ops") -> int:
    """Create `table` from OPS files named OPS_<yyyy>.csv (survey year)."""
    return load_files(con, paths, table, "ops", spec_for)
