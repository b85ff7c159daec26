"""IRIS and QPV contour readers: GeoDataFrames in Lambert-93 (EPSG:2154), validated."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow
import pyarrow.compute
import pyogrio

from data.sources import codes
from data.sources.errors import SourceError
from data.sources.fields import DEPCOM, IRIS_CODE, QPV_CODE

LAMBERT93 = 2154
IRIS_LAYER = "iris"
POLYGONS = {"Polygon", "MultiPolygon"}


def read_iris(path: Path) -> gpd.GeoDataFrame:
    """IRIS contours: code_iris, insee_com, nom_com, nom_iris, typ_iris, geometry."""
    path = Path(path)
    frame = _read(path, _iris_layer(path))
    _require_columns(path, frame, ("code_iris", "insee_com", "nom_iris", "typ_iris"))
    if "nom_com" not in frame.columns:
        frame["nom_com"] = None
    _check_pattern(path, frame, "code_iris", IRIS_CODE, "code IRIS à 9 caractères")
    _check_pattern(path, frame, "insee_com", DEPCOM, "code commune INSEE")
    # Both patterns hold: an IRIS code is its commune's 5 characters and 4 digits.
    commune_of_iris = pyarrow.compute.utf8_slice_codeunits(_strings(frame, "code_iris"), 0, 5)
    elsewhere = _mask(
        frame, pyarrow.compute.not_equal(commune_of_iris, _strings(frame, "insee_com"))
    )
    if elsewhere.any():
        number = _first(elsewhere)
        code_iris, insee_com = frame[["code_iris", "insee_com"]].iloc[number - 1]
        raise _feature_error(
            path, number, "code_iris", f"l'IRIS {code_iris} n'est pas dans la commune {insee_com}"
        )
    _check_codes(path, frame, "typ_iris", tuple(codes.IRIS_TYP))
    _check_unique(path, frame, "code_iris")
    frame = _polygons_in_lambert93(path, frame)
    return frame[["code_iris", "insee_com", "nom_com", "nom_iris", "typ_iris", "geometry"]]


def read_qpv(path: Path) -> gpd.GeoDataFrame:
    """QPV contours: code_qp, lib_qp, insee_com, geometry."""
    path = Path(path)
    frame = _read(path, None)
    _require_columns(path, frame, ("code_qp", "lib_qp", "insee_com"))
    _check_pattern(path, frame, "code_qp", QPV_CODE, "code de QPV (QN059…)")
    _check_pattern(path, frame, "insee_com", DEPCOM, "code commune INSEE")
    _check_unique(path, frame, "code_qp")
    frame = _polygons_in_lambert93(path, frame)
    return frame[["code_qp", "lib_qp", "insee_com", "geometry"]]


def _iris_layer(path: Path) -> str | None:
    if not path.is_file():
        raise SourceError(path, None, None, "fichier introuvable")
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises its own error types for unreadable files
        raise SourceError(path, None, None, f"fichier géographique illisible : {exc}") from exc
    for name in layers:
        if name.lower() == IRIS_LAYER:
            return name
    if len(layers) == 1:
        return layers[0]
    raise SourceError(
        path, None, None, f"couche « {IRIS_LAYER} » absente (couches : {', '.join(layers)})"
    )


def _read(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise SourceError(path, None, None, "fichier introuvable")
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio raises its own error types for unreadable files
        raise SourceError(path, None, None, f"fichier géographique illisible : {exc}") from exc
    geometry_name = frame.geometry.name
    frame = frame.rename(
        columns={name: name.lower() for name in frame.columns if name != geometry_name}
    )
    if geometry_name != "geometry":
        frame = frame.rename_geometry("geometry")
    if frame.crs is None:
        raise SourceError(path, None, None, "système de coordonnées non déclaré")
    return frame.reset_index(drop=True)


def _feature_error(path: Path, number: int, column: str, message: str) -> SourceError:
    return SourceError(path, None, column, f"entité n° {number} : {message}")


def _require_columns(path: Path, frame: gpd.GeoDataFrame, columns: tuple[str, ...]) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise SourceError(
            path, None, missing[0], f"attribut{plural} manquant{plural} : {', '.join(missing)}"
        )
    for name in columns:
        frame[name] = frame[name].astype("string").str.strip()
        empty = frame[name].isna() | (frame[name] == "")
        if empty.any():
            raise _feature_error(path, _first(empty), name, "valeur manquante")
        frame[name] = frame[name].astype(object)


def _strings(frame: gpd.GeoDataFrame, column: str) -> pyarrow.Array:
    """A text column as an Arrow array, for checks that run in Arrow's compute functions."""
    return pyarrow.array(frame[column], pyarrow.string())


def _mask(frame: gpd.GeoDataFrame, flags: pyarrow.Array) -> pd.Series:
    return pd.Series(flags.to_numpy(zero_copy_only=False), index=frame.index)


def _first(mask) -> int:
    return int(mask.to_numpy().nonzero()[0][0]) + 1


def _check_pattern(
    path: Path, frame: gpd.GeoDataFrame, column: str, regex: str, expected: str
) -> None:
    matches = pyarrow.compute.match_substring_regex(_strings(frame, column), f"^(?:{regex})$")
    bad = ~_mask(frame, matches)
    if bad.any():
        number = _first(bad)
        value = frame[column].iloc[number - 1]
        raise _feature_error(
            path, number, column, f"valeur « {value} » invalide : {expected} attendu"
        )


def _check_codes(
    path: Path, frame: gpd.GeoDataFrame, column: str, allowed: tuple[str, ...]
) -> None:
    bad = ~frame[column].isin(allowed)
    if bad.any():
        number = _first(bad)
        value = frame[column].iloc[number - 1]
        raise _feature_error(
            path, number, column, f"code inconnu « {value} » (codes admis : {', '.join(allowed)})"
        )


def _check_unique(path: Path, frame: gpd.GeoDataFrame, column: str) -> None:
    repeated = frame[column].duplicated()
    if repeated.any():
        number = _first(repeated)
        value = frame[column].iloc[number - 1]
        raise _feature_error(path, number, column, f"code « {value} » en double")


def _polygons_in_lambert93(path: Path, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geometry = frame.geometry
    empty = geometry.isna() | geometry.is_empty
    if empty.any():
        raise _feature_error(path, _first(empty), None, "géométrie absente")
    not_polygon = ~geometry.geom_type.isin(POLYGONS)
    if not_polygon.any():
        number = _first(not_polygon)
        kind = geometry.geom_type.iloc[number - 1]
        raise _feature_error(path, number, None, f"géométrie {kind}, polygone attendu")
    frame = frame.to_crs(LAMBERT93)
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        frame.loc[invalid, "geometry"] = frame.geometry[invalid].make_valid(
            method="structure", keep_collapsed=False
        )
    return frame
