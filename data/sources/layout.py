"""Where the raw files of each source are in a raw directory (see README.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from data.sources.errors import SourceError

IRIS_FILE = Path("geo/iris.gpkg")
QPV_FILE = Path("geo/qpv.geojson")
GTFS_STOPS_FILE = Path("gtfs/stops.txt")
DEMO_MARKER = "demo.json"
# source -> (folder, file name pattern whose group is the vintage year, 2 or 4 digits)
YEARLY_FILES = {
    "rpls": ("rpls", r"RPLS_(\d{4})\.csv"),
    "ops": ("ops", r"OPS_(\d{4})\.csv"),
    "sne": ("sne", r"SNE_(\d{4})\.csv"),
    "filosofi": ("filosofi", r"BASE_TD_FILO_IRIS_(\d{2})_DISP\.csv"),
    "bpe": ("bpe", r"BPE_(\d{4})\.csv"),
    "census": ("recensement", r"base-cc-logement-(\d{4})\.csv"),
}


def year_in_name(path: Path, source: str) -> int | None:
    """The vintage year in a file name of `source`, e.g. 2024 for RPLS_2024.csv, or None."""
    match = re.fullmatch(YEARLY_FILES[source][1], path.name, flags=re.IGNORECASE)
    if not match:
        return None
    digits = match.group(1)
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


@dataclass(frozen=True)
class RawLayout:
    """The files found in a raw directory; yearly sources map vintage year -> path."""

    raw_dir: Path
    iris: Path
    qpv: Path
    rpls: dict[int, Path]
    ops: dict[int, Path] = field(default_factory=dict)
    sne: dict[int, Path] = field(default_factory=dict)
    filosofi: dict[int, Path] = field(default_factory=dict)
    bpe: dict[int, Path] = field(default_factory=dict)
    census: dict[int, Path] = field(default_factory=dict)
    gtfs: Path | None = None

    @property
    def is_demo(self) -> bool:
        return (self.raw_dir / DEMO_MARKER).is_file()

    @classmethod
    def discover(cls, raw_dir: Path) -> RawLayout:
        """List the files of `raw_dir`; raise SourceError if IRIS, QPV or RPLS is missing."""
        raw_dir = Path(raw_dir)
        if not raw_dir.is_dir():
            raise SourceError(raw_dir, None, None, "dossier des fichiers bruts introuvable")
        yearly = {source: _yearly_files(raw_dir, source) for source in YEARLY_FILES}
        if not yearly["rpls"]:
            raise SourceError(
                raw_dir / "rpls", None, None, "aucun fichier RPLS (attendu : rpls/RPLS_<aaaa>.csv)"
            )
        stops = raw_dir / GTFS_STOPS_FILE
        return cls(
            raw_dir=raw_dir,
            iris=_required_file(raw_dir / IRIS_FILE, "contours IRIS"),
            qpv=_required_file(raw_dir / QPV_FILE, "contours QPV"),
            gtfs=stops if stops.is_file() else None,
            **yearly,
        )


def _required_file(path: Path, what: str) -> Path:
    if not path.is_file():
        raise SourceError(path, None, None, f"fichier obligatoire absent ({what})")
    return path


def _yearly_files(raw_dir: Path, source: str) -> dict[int, Path]:
    directory = raw_dir / YEARLY_FILES[source][0]
    if not directory.is_dir():
        return {}
    found: dict[int, Path] = {}
    for path in sorted(directory.iterdir()):
        vintage = year_in_name(path, source)
        if vintage is None or not path.is_file():
            continue
        if vintage in found:
            raise SourceError(path, None, None, f"deux fichiers pour l'année {vintage}")
        found[vintage] = path
    return dict(sorted(found.items()))
