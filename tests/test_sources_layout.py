"""Discovery of the raw directory layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.sources.errors import SourceError
from data.sources.layout import RawLayout


def make_raw_dir(root: Path) -> Path:
    for name in (
        "geo/iris.gpkg", "geo/qpv.geojson", "rpls/RPLS_2023.csv", "rpls/RPLS_2024.csv",
        "rpls/notes.txt", "ops/OPS_2024.csv", "filosofi/BASE_TD_FILO_IRIS_21_DISP.csv",
        "gtfs/stops.txt",
    ):  # fmt: skip
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")
    return root


def test_layout_lists_the_files_of_each_source(tmp_path: Path) -> None:
    layout = RawLayout.discover(make_raw_dir(tmp_path))
    assert layout.iris == tmp_path / "geo/iris.gpkg"
    assert layout.qpv == tmp_path / "geo/qpv.geojson"
    assert layout.rpls == {
        2023: tmp_path / "rpls/RPLS_2023.csv",
        2024: tmp_path / "rpls/RPLS_2024.csv",
    }
    assert layout.ops == {2024: tmp_path / "ops/OPS_2024.csv"}
    assert layout.filosofi == {2021: tmp_path / "filosofi/BASE_TD_FILO_IRIS_21_DISP.csv"}
    assert (layout.sne, layout.bpe) == ({}, {})
    assert layout.gtfs == tmp_path / "gtfs/stops.txt"
    assert not layout.is_demo
    (tmp_path / "demo.json").write_text("{}")
    assert RawLayout.discover(tmp_path).is_demo


@pytest.mark.parametrize(
    ("missing", "reported"),
    [
        (["geo/iris.gpkg"], "geo/iris.gpkg"),
        (["geo/qpv.geojson"], "geo/qpv.geojson"),
        (["rpls/RPLS_2023.csv", "rpls/RPLS_2024.csv"], "rpls"),
    ],
)
def test_layout_requires_iris_qpv_and_rpls(tmp_path: Path, missing: list, reported: str) -> None:
    make_raw_dir(tmp_path)
    for name in missing:
        (tmp_path / name).unlink()
    with pytest.raises(SourceError) as caught:
        RawLayout.discover(tmp_path)
    assert caught.value.path == tmp_path / reported


def test_two_files_for_one_year_are_refused(tmp_path: Path) -> None:
    make_raw_dir(tmp_path)
    (tmp_path / "rpls/rpls_2024.CSV").write_text("")
    with pytest.raises(SourceError, match="2024"):
        RawLayout.discover(tmp_path)


def test_layout_of_a_missing_directory_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        RawLayout.discover(tmp_path / "nowhere")
