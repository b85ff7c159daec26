"""SNE reader: aggregated demand and allocations, and each malformed case."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.sources import sne
from tests.support.sources import assert_schema, raises_at, write_csv

HEADER = [
    "DEPCOM", "ANNEE", "INDICATEUR", "TYPOLOGIE", "QUARTILE", "QPV", "RESERVATAIRE",
    "PUBLIC_PRIORITAIRE", "NOMBRE", "DELAI_MEDIAN_MOIS",
]  # fmt: skip
PENDING = ["59512", "2024", "demandes", "T3", "Q1", "1", "etat", "1", "42", ""]
ALLOCATED = ["59512", "2024", "attributions", "T5+", "NR", "0", "action_logement", "0", "7", "14.5"]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_valid_file_gives_typed_counts(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "SNE_2024.csv", HEADER, [PENDING, ALLOCATED])
    assert sne.load(con, [path]) == 2
    assert_schema(con, "sne", "sne")
    assert con.execute("SELECT * FROM sne ORDER BY indicateur").fetchall() == [
        (2024, "59512", "attributions", "T5+", "NR", False, "action_logement", False, 7, 14.5)
        + (None,) * 4,
        (2024, "59512", "demandes", "T3", "Q1", True, "etat", True, 42, None) + (None,) * 4,
    ]


def test_optional_columns_are_read_when_given(con, tmp_path: Path) -> None:
    header = [*HEADER, "SIREN_BAILLEUR", "CODE_QPV", "MOTIF", "ANCIENNETE_MOIS"]
    allocated = [*ALLOCATED, "300000001", "QN05912345M", "", ""]
    pending = [*PENDING, "", "", "sans_logement", "36+"]
    path = write_csv(tmp_path / "SNE_2024.csv", header, [allocated, pending])
    assert sne.load(con, [path]) == 2
    assert con.execute(
        "SELECT siren_bailleur, code_qpv, motif, anciennete_mois FROM sne ORDER BY indicateur"
    ).fetchall() == [
        ("300000001", "QN05912345M", None, None),
        (None, None, "sans_logement", "36+"),
    ]


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [("SIREN_BAILLEUR", "30000", "SIREN"), ("MOTIF", "divorce", "code inconnu")],
)
def test_bad_optional_value_is_reported(con, tmp_path: Path, column, value, words) -> None:
    header = [*HEADER, column]
    path = write_csv(tmp_path / "SNE_2024.csv", header, [[*ALLOCATED, value]])
    error = raises_at(lambda: sne.load(con, [path]), 2, column)
    assert words in str(error)


def test_year_comes_from_the_annee_column(con, tmp_path: Path) -> None:
    older = write_csv(tmp_path / "extract.csv", HEADER, [[PENDING[0], "2021", *PENDING[2:]]])
    assert sne.load(con, [older]) == 1
    assert con.execute("SELECT year FROM sne").fetchall() == [(2021,)]


@pytest.mark.parametrize(
    ("index", "value", "column", "words"),
    [
        (1, "2023", "ANNEE", "différente de 2024"),
        (2, "demande", "INDICATEUR", "code inconnu"),
        (3, "T6", "TYPOLOGIE", "code inconnu"),
        (4, "Q5", "QUARTILE", "code inconnu"),
        (5, "oui", "QPV", "code inconnu"),
        (6, "Etat", "RESERVATAIRE", "code inconnu"),
        (8, "4,0", "NOMBRE", "nombre entier"),
        (8, "-3", "NOMBRE", "hors limites"),
        (8, "3000000000", "NOMBRE", "entre 0 et 2147483647"),  # beyond INTEGER, not NULL
        (9, "12,5", "DELAI_MEDIAN_MOIS", "point décimal"),
        (0, "", "DEPCOM", "valeur manquante"),
    ],
)
def test_bad_value_is_reported_at_its_line_and_column(
    con, tmp_path: Path, index: int, value: str, column: str, words: str
) -> None:
    bad = list(ALLOCATED)
    bad[index] = value
    path = write_csv(tmp_path / "SNE_2024.csv", HEADER, [PENDING, PENDING, bad])
    error = raises_at(lambda: sne.load(con, [path]), 4, column)
    assert words in error.message


def test_missing_column_is_named(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "SNE_2024.csv", HEADER[:-1], [PENDING[:-1]])
    raises_at(lambda: sne.load(con, [path]), 1, "DELAI_MEDIAN_MOIS")


def test_truncated_line_is_reported(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "SNE_2024.csv", HEADER, [PENDING, PENDING[:4]])
    raises_at(lambda: sne.load(con, [path]), 3, "QUARTILE")
