"""Shared helpers of the reader tests, and the checks every delimited reader inherits:
encoding detection, header matching, line numbers of errors, atomic replacement."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.sources import ops, textfile
from data.sources.errors import SourceError
from tests.support.sources import OPS_HEADER, assert_schema, ops_row, raises_at, write_csv


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_error_text_names_file_line_and_column(tmp_path: Path) -> None:
    error = SourceError(tmp_path / "RPLS_2024.csv", 12, "MODE", "code inconnu")
    assert str(error) == f"{tmp_path / 'RPLS_2024.csv'}:12:MODE: code inconnu"
    assert str(SourceError("x.csv", None, None, "vide")) == "x.csv:-:-: vide"


def test_latin1_file_is_read_as_latin1(con, tmp_path: Path) -> None:
    rows = [ops_row("Cœur-É1"), ops_row("L2")]
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, rows, encoding="cp1252")
    assert ops.load(con, [path]) == 2
    assert con.execute("SELECT ident_int FROM ops ORDER BY ident_int").fetchall() == [
        ("Cœur-É1",),
        ("L2",),
    ]


def test_utf8_with_bom_and_crlf_is_read(con, tmp_path: Path) -> None:
    text = ";".join(OPS_HEADER) + "\r\n" + ";".join(ops_row("Été")) + "\r\n"
    path = tmp_path / "OPS_2024.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert ops.load(con, [path]) == 1
    assert con.execute("SELECT ident_int, age_titulaire FROM ops").fetchall() == [("Été", 67)]
    path.write_bytes(text.encode() + ";".join(ops_row("L2"))[:-4].encode() + b"2x15\r\n")
    error = raises_at(lambda: ops.load(con, [path]), 3, "ANNEE_ENTREE")
    assert "« 2x15 »" in error.message


@pytest.mark.parametrize(
    ("endings", "line", "said"),
    [
        (["\n", "\n", "\r\n", "\n"], 3, "CRLF, l'en-tête par LF"),
        (["\r\n", "\r\n", "\r\n", "\n"], 4, "LF, l'en-tête par CRLF"),
        (["\n", "\r", "\n", "\n"], 2, "retour chariot seul"),
        (["\n", "\n", "\n", "\r\n"], 4, "CRLF, l'en-tête par LF"),
    ],
)
def test_file_mixing_line_endings_is_refused_at_the_first_odd_line(
    con, tmp_path: Path, endings: list[str], line: int, said: str
) -> None:
    lines = [";".join(OPS_HEADER), *(";".join(ops_row(f"L{n}")) for n in range(1, 4))]
    path = tmp_path / "OPS_2024.csv"
    path.write_bytes("".join(text + end for text, end in zip(lines, endings, strict=True)).encode())
    error = raises_at(lambda: ops.load(con, [path]), line, OPS_HEADER[-1])
    assert said in error.message and "fins de ligne mélangées" in error.message


def test_a_quoted_line_break_of_the_other_kind_is_read(con, tmp_path: Path) -> None:
    row = ";".join(ops_row('"L1\nsuite"'))
    path = tmp_path / "OPS_2024.csv"
    path.write_bytes(("\r\n".join([";".join(OPS_HEADER), row]) + "\r\n").encode())
    assert ops.load(con, [path]) == 1
    assert con.execute("SELECT ident_int FROM ops").fetchall() == [("L1\nsuite",)]


def test_file_mixing_utf8_then_latin1_is_refused_where_it_changes(con, tmp_path: Path) -> None:
    path = tmp_path / "OPS_2024.csv"
    good = ";".join(ops_row("Été")).encode("utf-8")
    bad = ";".join(ops_row("Noël")).encode("cp1252")
    path.write_bytes(";".join(OPS_HEADER).encode() + b"\n" + good + b"\n" + bad + b"\n")
    error = raises_at(lambda: ops.load(con, [path]), 3, "IDENT_INT")
    assert "encodage" in error.message


def test_file_mixing_latin1_then_utf8_is_refused_where_it_changes(con, tmp_path: Path) -> None:
    path = tmp_path / "OPS_2024.csv"
    rows = [
        ";".join(ops_row("Noël")).encode("cp1252"),
        ";".join(ops_row("L2")).encode(),
        ";".join(ops_row("Été")).encode("utf-8"),
    ]
    path.write_bytes(b"\n".join([";".join(OPS_HEADER).encode(), *rows]) + b"\n")
    raises_at(lambda: ops.load(con, [path]), 4, "IDENT_INT")


def test_utf16_file_is_refused(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, [ops_row()], encoding="utf-16")
    error = raises_at(lambda: ops.load(con, [path]), 1, None)
    assert "encodage" in error.message


def test_byte_undefined_in_windows_1252_is_refused(con, tmp_path: Path) -> None:
    path = tmp_path / "OPS_2024.csv"
    row = ";".join(ops_row()).replace("59512", "595\x8112").encode("latin-1")
    path.write_bytes(";".join(OPS_HEADER).encode() + b"\n" + row + b"\n")
    raises_at(lambda: ops.load(con, [path]), 2, "DEPCOM")


def test_blank_lines_do_not_shift_reported_lines(con, tmp_path: Path) -> None:
    path = tmp_path / "OPS_2024.csv"
    text = "\n".join(
        [";".join(OPS_HEADER), ";".join(ops_row()), "", "", ";".join(ops_row("L2", compo="8"))]
    )
    path.write_text(text + "\n")
    raises_at(lambda: ops.load(con, [path]), 5, "COMPO")


def test_first_error_in_line_order_wins_over_a_later_truncated_line(con, tmp_path: Path) -> None:
    rows = [ops_row(), ops_row("L2", compo="8"), ops_row("L3")[:5]]
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, rows)
    raises_at(lambda: ops.load(con, [path]), 3, "COMPO")


def test_truncated_line_before_a_bad_code_is_reported_first(con, tmp_path: Path) -> None:
    rows = [ops_row(), ops_row("L2")[:5], ops_row("L3"), ops_row("L4", compo="8")]
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, rows)
    error = raises_at(lambda: ops.load(con, [path]), 3, "NB_OCCUPANTS")
    assert "tronquée" in error.message


def test_line_with_too_many_fields_is_refused(con, tmp_path: Path) -> None:
    rows = [ops_row(), [*ops_row("L2"), "extra"]]
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, rows)
    error = raises_at(lambda: ops.load(con, [path]), 3, None)
    assert "trop longue" in error.message


def test_missing_columns_are_all_named(con, tmp_path: Path) -> None:
    header = [name for name in OPS_HEADER if name not in ("APL", "COMPO")]
    path = write_csv(tmp_path / "OPS_2024.csv", header, [])
    error = raises_at(lambda: ops.load(con, [path]), 1, "COMPO")
    assert "COMPO, APL" in error.message


def test_duplicated_column_is_refused(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "OPS_2024.csv", [*OPS_HEADER, "compo"], [[*ops_row(), "1"]])
    raises_at(lambda: ops.load(con, [path]), 1, "compo")


def test_wrong_delimiter_is_reported_as_missing_columns(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, [ops_row()], delimiter=",")
    error = raises_at(lambda: ops.load(con, [path]), 1, "SIREN_BAILLEUR")
    assert "séparateur" in error.message


def test_extra_columns_are_ignored_and_quotes_understood(con, tmp_path: Path) -> None:
    row = ['"900000001"', '"L;1"', *ops_row()[2:], "whatever"]
    path = write_csv(tmp_path / "OPS_2024.csv", [*OPS_HEADER, "COMMENTAIRE"], [row])
    assert ops.load(con, [path]) == 1
    assert con.execute("SELECT ident_int FROM ops").fetchall() == [("L;1",)]


def test_empty_file_is_refused(con, tmp_path: Path) -> None:
    path = tmp_path / "OPS_2024.csv"
    path.write_bytes(b"")
    raises_at(lambda: ops.load(con, [path]), None, None)


def test_failed_load_leaves_the_previous_table(con, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "OPS_2022.csv", OPS_HEADER, [ops_row()])
    assert ops.load(con, [good]) == 1
    bad = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, [ops_row(compo="X")])
    raises_at(lambda: ops.load(con, [good, bad]), 2, "COMPO")
    assert con.execute("SELECT year FROM ops").fetchall() == [(2022,)]
    assert [name for (name,) in con.execute("SHOW TABLES").fetchall()] == ["ops"]


def test_no_file_gives_an_empty_table_of_the_schema(con) -> None:
    assert ops.load(con, []) == 0
    assert_schema(con, "ops", "ops")


def test_trailing_delimiter_on_every_line_is_accepted(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "OPS_2024.csv", [*OPS_HEADER, ""], [[*ops_row(), ""]])
    assert ops.load(con, [path]) == 1


def test_quoted_line_breaks_do_not_shift_reported_lines(con, tmp_path: Path) -> None:
    rows = [ops_row('"L\n1"'), ops_row("L2"), ops_row('"L\n\n3"'), ops_row("L4", compo="8")]
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, rows)
    error = raises_at(lambda: ops.load(con, [path]), 8, "COMPO")
    assert "« 8 »" in error.message
    good = write_csv(tmp_path / "OPS_2022.csv", OPS_HEADER, rows[:3])
    assert ops.load(con, [good]) == 3
    assert con.execute("SELECT ident_int FROM ops WHERE ident_int LIKE 'L%3'").fetchall() == [
        ("L\n\n3",)
    ]


def test_stray_quote_is_reported_at_its_line(con, tmp_path: Path) -> None:
    rows = [ops_row(), ops_row('L "1" x'), ops_row('"L3" x')]
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, rows)
    error = raises_at(lambda: ops.load(con, [path]), 4, "IDENT_INT")
    assert "guillemet" in error.message


@pytest.mark.parametrize("piece_bytes", [37, 64, 1 << 24])
def test_lines_are_counted_across_the_pieces_of_a_file(
    con, tmp_path: Path, monkeypatch, piece_bytes: int
) -> None:
    """The text pass reads a file in pieces and counts lines only once a file is wrong:
    a wrong byte, and a bad value after blank lines, far into the file, keep their line."""
    monkeypatch.setattr(textfile, "PIECE_BYTES", piece_bytes)
    good = [";".join(ops_row(f"Été{i}")).encode() for i in range(30)]
    latin = ";".join(ops_row("Noël")).encode("cp1252")
    path = tmp_path / "OPS_2024.csv"
    path.write_bytes(b"\n".join([";".join(OPS_HEADER).encode(), *good, latin]) + b"\n")
    error = raises_at(lambda: ops.load(con, [path]), 32, "IDENT_INT")
    assert "encodage" in error.message
    rows = [";".join(ops_row(f"L{i}")) for i in range(30)]
    bad = ";".join(ops_row("L99", compo="8"))
    path.write_text("\n".join([";".join(OPS_HEADER), *rows[:10], "", *rows[10:], "", "", bad]))
    raises_at(lambda: ops.load(con, [path]), 35, "COMPO")
    path.write_text("\n".join([";".join(OPS_HEADER), *rows]) + "\n")
    assert ops.load(con, [path]) == 30


@pytest.mark.parametrize(
    ("ident", "compo", "ending"),
    [
        (" L1", "1", "\n"),  # at the start of a line
        ("L1 ", "1", "\n"),  # before a delimiter
        ("L1", " 1", "\n"),  # after a delimiter
        ("L1", "1", " \n"),  # at the end of a line (ANNEE_ENTREE)
        ("L1", "1", " \r\n"),
        ("L1", "1", " "),  # at the end of the file
        ('" L1"', '"1 "', "\n"),  # inside quotes
    ],
)
def test_spaces_around_values_are_trimmed_wherever_they_are(
    con, tmp_path: Path, ident: str, compo: str, ending: str
) -> None:
    line = ";".join(ops_row(ident, compo))
    path = tmp_path / "OPS_2024.csv"
    newline = "\r\n" if "\r" in ending else "\n"
    text = newline.join([";".join(OPS_HEADER), ";".join(ops_row("L0")), line + ending])
    path.write_bytes(text.encode())
    assert textfile.scan(path, ";").padded
    assert ops.load(con, [path]) == 2
    assert con.execute("SELECT ident_int, compo, annee_entree FROM ops").fetchall() == [
        ("L0", "1", 2015),
        ("L1", "1", 2015),
    ]


def test_values_with_only_inner_spaces_are_read_untrimmed(con, tmp_path: Path) -> None:
    rows = [ops_row("Les Lilas 1"), ops_row('"Les Lilas;2"')]
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, rows)
    assert not textfile.scan(path, ";").padded
    assert ops.load(con, [path]) == 2
    assert con.execute("SELECT ident_int FROM ops").fetchall() == [
        ("Les Lilas 1",),
        ("Les Lilas;2",),
    ]


def test_a_value_of_spaces_is_empty(con, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, [ops_row(compo="   ")])
    assert ops.load(con, [path]) == 1
    assert con.execute("SELECT compo FROM ops").fetchall() == [(None,)]
    path = write_csv(tmp_path / "OPS_2024.csv", OPS_HEADER, [ops_row("  ")])
    error = raises_at(lambda: ops.load(con, [path]), 2, "IDENT_INT")
    assert error.message == "valeur manquante"
