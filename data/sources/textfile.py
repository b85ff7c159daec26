"""Encoding detection of delimited text files, and the facts needed to map rows to lines.

Published files come in UTF-8 or in latin-1 (read as cp1252, its superset that also knows
`œ` and `€`). A file is read in pieces that end on a line break, so that a multi-byte
character is never cut and every position can be turned into a line number cheaply.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from data.sources.errors import SourceError

PIECE_BYTES = 1 << 24
UTF8_BOM = b"\xef\xbb\xbf"
ASCII_BYTES = bytes(range(128))
CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
# The bytes a value's first or last character touches: a space next to one of them (or at
# either end of a piece) may be a space around a value, which the readers trim.
VALUE_EDGES = b'"\r\n'
SPACE = ord(" ")
CR, LF = ord("\r"), ord("\n")
BLANK_LINE_AFTER = re.compile(rb"\n(?=\r?\n)")
# A UTF-8 encoded accented letter or symbol seen through latin-1 eyes ("Ã©", "â‚¬"): real
# latin-1 French text never contains these pairs, so they reveal a file mixing encodings.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


@dataclass
class ScannedText:
    """What a first pass over a file found out."""

    path: Path
    encoding: str
    header: str
    # Whether some value may start or end with a space (else no value needs trimming).
    padded: bool = True


@dataclass
class LineFacts:
    """Where a file's lines are, to turn a row number into a line: sought only once a
    row is found wrong (a second pass, over the file as bytes)."""

    line_count: int
    blank_lines: list[int] = field(default_factory=list)


@dataclass
class _Piece:
    """Bytes of a file from `offset`; its line numbers are counted only when asked (to
    name where a file is wrong), never on the way through a good file."""

    data: bytes
    path: Path
    offset: int

    def line_at(self, position: int) -> int:
        return _lines_before(self.path, self.offset) + self.data.count(b"\n", 0, position) + 1

    def field_index_at(self, position: int, delimiter: bytes) -> int:
        line_start = self.data.rfind(b"\n", 0, position) + 1
        return self.data.count(delimiter, line_start, position)


def _pieces(path: Path) -> Iterator[_Piece]:
    """The file in pieces that each end just after a line break (except the last one),
    each copied at most once from what was read."""
    offset, carry = 0, b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(PIECE_BYTES)
            if not chunk:
                if carry:
                    yield _Piece(carry, path, offset)
                return
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                carry += chunk
                continue
            if carry or cut < len(chunk):
                data = b"".join((carry, memoryview(chunk)[:cut]))
            else:
                data = chunk
            yield _Piece(data, path, offset)
            offset += len(data)
            carry = chunk[cut:]


def _lines_before(path: Path, offset: int) -> int:
    """The number of line breaks in the first `offset` bytes of `path`."""
    count = 0
    with path.open("rb") as handle:
        while offset > 0:
            chunk = handle.read(min(PIECE_BYTES, offset))
            if not chunk:
                break
            count += chunk.count(b"\n")
            offset -= len(chunk)
    return count


def _blank_lines(data: bytes, first_line: int) -> list[int]:
    found = []
    if data.startswith((b"\n", b"\r\n")) and first_line > 1:
        found.append(first_line)
    line, counted_to = first_line, 0
    for match in BLANK_LINE_AFTER.finditer(data):
        line += data.count(b"\n", counted_to, match.start())
        counted_to = match.start()
        found.append(line + 1)
    return found


class _EncodingProblem:
    """Turns a byte position into a SourceError naming its line and column."""

    def __init__(self, path: Path, delimiter: str) -> None:
        self.path = path
        self.delimiter = delimiter.encode()
        self.header: list[str] = []

    def error(self, piece: _Piece, position: int, message: str) -> SourceError:
        line = piece.line_at(position)
        column = None
        if line > 1:
            index = piece.field_index_at(position, self.delimiter)
            column = self.header[index] if index < len(self.header) else None
        byte = piece.data[position : position + 1].hex().upper()
        return SourceError(self.path, line, column, f"{message} (octet 0x{byte})")


def split_header(line: str, delimiter: str) -> list[str]:
    """Column names of a header line, without quotes, surrounding blanks or BOM."""
    names = line.lstrip("\ufeff").rstrip("\r\n").split(delimiter)
    return [name.strip().strip('"').strip() for name in names]


def scan(path: Path, delimiter: str) -> ScannedText:
    """Detect the encoding (UTF-8, else cp1252); raise on anything else."""
    problem = _EncodingProblem(path, delimiter)
    header_bytes: bytes | None = None
    utf8_ok, seen_non_ascii, padded = True, False, False
    for piece in _pieces(path):
        data = piece.data
        padded = padded or _padded(data, delimiter)
        if header_bytes is None:
            end = data.find(b"\n")
            header_bytes = (data if end < 0 else data[:end]).removeprefix(UTF8_BOM)
            problem.header = split_header(header_bytes.decode("cp1252", "replace"), delimiter)
        nul = data.find(b"\x00")
        if nul != -1:
            raise problem.error(
                piece, nul, "encodage illisible : octet nul (fichier UTF-16 ou binaire ?)"
            )
        if utf8_ok:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                if seen_non_ascii or not data[: exc.start].isascii():
                    raise problem.error(
                        piece,
                        exc.start,
                        "encodage incohérent : octet invalide en UTF-8 dans un fichier "
                        "jusque-là en UTF-8",
                    ) from None
                utf8_ok = False
            else:
                seen_non_ascii = seen_non_ascii or not data.isascii()
        if not utf8_ok:
            _check_cp1252(problem, piece)
    if header_bytes is None:
        raise SourceError(path, None, None, "fichier vide")
    encoding = "utf-8" if utf8_ok else "cp1252"
    return ScannedText(
        path=path,
        encoding=encoding,
        header=header_bytes.decode(encoding).rstrip("\r"),
        padded=padded,
    )


def _padded(data: bytes, delimiter: str) -> bool:
    """Whether a space of `data` touches a delimiter, a quote, a line break or an end of
    `data`: without one, no value of it starts or ends with a space. Vectorised, as the
    spaces inside values (street names) are many."""
    codes = np.frombuffer(data, dtype=np.uint8)
    spaces = np.flatnonzero(codes == SPACE)
    if spaces.size == 0:
        return False
    if spaces[0] == 0 or spaces[-1] == codes.size - 1:
        return True
    edges = np.zeros(256, dtype=bool)
    edges[list(VALUE_EDGES + delimiter.encode())] = True
    return bool(edges[codes[spaces - 1]].any() or edges[codes[spaces + 1]].any())


def line_facts(path: Path) -> LineFacts:
    """The number of lines of `path` and its blank lines."""
    line_count, first_line = 0, 1
    blank_lines: list[int] = []
    for piece in _pieces(path):
        data = piece.data
        blank_lines.extend(_blank_lines(data, first_line))
        breaks = data.count(b"\n")
        line_count = first_line + breaks - (1 if data.endswith(b"\n") else 0)
        first_line += breaks
    return LineFacts(line_count, blank_lines)


def line_ending_problem(path: Path, delimiter: str) -> SourceError | None:
    """The first line whose ending differs from the header's (CRLF amid LF, or the
    reverse), or that ends with a carriage return alone. DuckDB refuses such a file
    without saying where: this second pass, made only then, names the line."""
    header: list[str] = []
    header_crlf: bool | None = None
    for piece in _pieces(path):
        if not header:
            header = split_header(
                piece.data.split(b"\n", 1)[0].decode("cp1252", "replace"), delimiter
            )
        position, header_crlf, ending = _odd_line_ending(piece.data, header_crlf)
        if position is not None:
            return SourceError(
                path,
                piece.line_at(position),
                header[-1] if header else None,
                f"fins de ligne mélangées : la ligne finit par {ending} ; "
                "enregistrez le fichier avec une seule fin de ligne (LF ou CRLF)",
            )
    return None


def _odd_line_ending(data: bytes, crlf: bool | None) -> tuple[int | None, bool | None, str]:
    """The position of the first line break of `data` unlike `crlf` (None: like the
    first one), or of a carriage return alone; the file's ending; that break in words."""
    codes = np.frombuffer(data, dtype=np.uint8)
    returns = np.flatnonzero(codes == CR)
    following = codes[np.minimum(returns + 1, codes.size - 1)]
    alone = returns[(returns + 1 == codes.size) | (following != LF)]
    breaks = np.flatnonzero(codes == LF)
    after_return = codes[np.maximum(breaks - 1, 0)] == CR
    after_return[breaks == 0] = False
    if crlf is None and breaks.size:
        crlf = bool(after_return[0])
    unlike = breaks[after_return != crlf] if crlf is not None else breaks[:0]
    first_alone = int(alone[0]) if alone.size else None
    first_unlike = int(unlike[0]) if unlike.size else None
    if first_alone is not None and (first_unlike is None or first_alone < first_unlike):
        return first_alone, crlf, "un retour chariot seul (CR)"
    if first_unlike is not None:
        return first_unlike, crlf, "LF, l'en-tête par CRLF" if crlf else "CRLF, l'en-tête par LF"
    return None, crlf, ""


def _check_cp1252(problem: _EncodingProblem, piece: _Piece) -> None:
    """Refuse bytes cp1252 leaves undefined, and UTF-8 sequences amid latin-1 text.

    Both are sought first among the non-ASCII bytes only (a small residue, fast to search),
    then located in the piece itself.
    """
    residue = piece.data.translate(None, ASCII_BYTES)
    undefined = [piece.data.find(byte) for byte in CP1252_UNDEFINED if byte in residue]
    if undefined:
        raise problem.error(
            piece, min(undefined), "encodage illisible : ni UTF-8 ni latin-1 / Windows-1252"
        )
    mixed = UTF8_SEQUENCE.search(residue) and UTF8_SEQUENCE.search(piece.data)
    if mixed:
        raise problem.error(
            piece, mixed.start(), "encodage incohérent : caractère UTF-8 dans un fichier en latin-1"
        )


def utf8_copy(scanned: ScannedText, directory: Path) -> Path:
    """The file itself when it is UTF-8, else a UTF-8 copy written in `directory`."""
    if scanned.encoding == "utf-8":
        return scanned.path
    target = Path(tempfile.mkstemp(suffix=".csv", dir=directory)[1])
    with target.open("wb") as out:
        for piece in _pieces(scanned.path):
            out.write(piece.data.decode(scanned.encoding).encode("utf-8"))
    return target
