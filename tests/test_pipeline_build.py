"""The build command: atomic swap, errors named by file/line/column, old warehouse kept."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from data.pipeline import build as build_module
from data.pipeline.__main__ import error_line
from data.pipeline.build import database_config
from data.pipeline.proof import DisclosureError
from data.pipeline.warehouse import swap_in
from data.sources.errors import SourceError
from tests.conftest import PROJECT_ROOT, copy_small_raw

RPLS_LINES = 4000


@pytest.fixture(scope="module")
def small_raw(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw directory with the demo contours and the first dwellings of RPLS 2024."""
    return copy_small_raw(demo_warehouse, tmp_path_factory.mktemp("raw") / "raw", RPLS_LINES)


def run_build(raw: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "data.pipeline",
            "build",
            "--raw",
            str(raw),
            "--out",
            str(out),
            *extra,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def old_warehouse(parent: Path) -> Path:
    out = parent / "warehouse"
    out.mkdir()
    (out / "manifest.json").write_text('{"old": true}')
    (out / "zones.parquet").write_bytes(b"old zones")
    return out


def snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_successful_build_replaces_the_old_warehouse(small_raw, tmp_path):
    out = old_warehouse(tmp_path)
    combined = tmp_path / "conventions" / "perimeters.json"
    combined.parent.mkdir()
    combined.write_text('[["bailleur:900000002", "bailleur:900000001"]]')
    result = run_build(small_raw, out, "--threshold", "25", "--perimeters", str(combined))
    assert result.returncode == 0, result.stderr
    for step in ("read", "zones", "residences", "location", "indicators", "secrecy", "write"):
        assert re.search(rf"^\s+{step}\s+\d+\.\d\d s$", result.stdout, re.MULTILINE), step
    assert sorted(p.name for p in out.iterdir()) == [
        "attributions.parquet",
        "equipments.parquet",
        "indicators.parquet",
        "manifest.json",
        "proximity.parquet",
        "quartile_thresholds.parquet",
        "residences.parquet",
        "zones.parquet",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["secrecy_threshold"] == 25
    assert manifest["territory"] == {
        "id": "epci:200093201",
        "name": "Métropole Européenne de Lille",
    }
    assert manifest["disclosure_audit"]["perimeters_checked"] == [
        "bailleur:900000001+bailleur:900000002"
    ]
    assert manifest["vintages"]["rpls"] == [2024]
    assert manifest["row_counts"]["rpls_in_epci"] == RPLS_LINES - 1
    smallest = (
        duckdb.connect()
        .execute(
            f"SELECT min(n_dwellings) FROM read_parquet('{out / 'residences.parquet'}') "
            "WHERE NOT secret"
        )
        .fetchone()[0]
    )
    assert smallest >= 25
    # Nothing left behind: the link and its builds (the one before it kept).
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "conventions",
        "warehouse",
        "warehouse.builds",
    ]
    assert out.is_symlink()
    assert len(list((tmp_path / "warehouse.builds").iterdir())) == 2


def test_a_territory_the_build_cannot_read_is_refused_in_french(small_raw, tmp_path):
    result = run_build(small_raw, tmp_path / "warehouse", "--territory", "reg:3")
    assert result.returncode == 2
    assert "code « 3 » invalide, attendu un code de région à 2 chiffres" in result.stderr
    assert not (tmp_path / "warehouse").exists()


def corrupt(raw: Path, tmp_path: Path, line: int, column: str, value: str) -> Path:
    """A copy of `raw` where `column` of file line `line` of RPLS_2024.csv holds `value`."""
    copy = tmp_path / "raw-bad"
    shutil.copytree(raw, copy)
    path = copy / "rpls" / "RPLS_2024.csv"
    rows = path.read_text(encoding="utf-8").split("\n")
    header = rows[0].split(";")
    fields = rows[line - 1].split(";")
    fields[header.index(column)] = value
    rows[line - 1] = ";".join(fields)
    path.write_text("\n".join(rows), encoding="utf-8")
    return copy


@pytest.mark.parametrize(("column", "value"), [("CONSTRUCT", "19x8"), ("MODE", "7")])
def test_malformed_file_stops_the_build_and_keeps_the_old_warehouse(
    small_raw, tmp_path, column, value
):
    out = old_warehouse(tmp_path)
    before = snapshot(out)
    bad_raw = corrupt(small_raw, tmp_path, 57, column, value)
    result = run_build(bad_raw, out)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert re.match(rf".*RPLS_2024\.csv:57:{column}: \S", message), message
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw-bad", "warehouse"]


def test_a_malformed_perimeters_file_stops_the_build_and_keeps_the_old_warehouse(
    small_raw, tmp_path
):
    out = old_warehouse(tmp_path)
    before = snapshot(out)
    combined = tmp_path / "perimeters.json"
    combined.write_text('[["commune:59512", "bailleur:900000001"]]')
    result = run_build(small_raw, out, "--perimeters", str(combined))
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert re.match(r".*perimeters\.json:-:-: périmètre combiné invalide", message), message
    assert snapshot(out) == before


def test_missing_raw_directory_is_reported(tmp_path):
    out = old_warehouse(tmp_path)
    result = run_build(tmp_path / "nowhere", out)
    assert result.returncode != 0
    assert re.match(r".*nowhere:-:-: \S", result.stderr.strip())
    assert (out / "manifest.json").read_text() == '{"old": true}'


def test_error_line_names_the_place_of_an_unexpected_error():
    try:
        raise ValueError("boom")
    except ValueError as exc:
        line = error_line(exc)
    assert re.fullmatch(
        r"erreur interne de la construction hors des étapes \(ValueError en "
        r"tests/test_pipeline_build\.py:\d+\) : boom ; l'entrepôt précédent est conservé",
        line,
    )
    assert (
        error_line(SourceError("a.csv", 3, "MODE", "code inconnu")) == "a.csv:3:MODE: code inconnu"
    )
    refusal = "audit du secret statistique : 1 valeur cachée déductible"
    assert error_line(DisclosureError(refusal)) == refusal  # the audit says what would leak


def test_an_internal_error_names_its_step_and_keeps_the_old_warehouse(
    small_raw, tmp_path, monkeypatch
):
    out = old_warehouse(tmp_path)
    before = snapshot(out)

    def fail(self):
        raise RuntimeError("audit des parts : 1 part déductible")

    monkeypatch.setattr(build_module.shares.ShareDiscloser, "run", fail)
    with pytest.raises(Exception) as caught:
        build_module.build(small_raw, out, 11, echo=lambda line: None)
    line = error_line(caught.value)
    assert re.fullmatch(
        r"erreur interne de la construction à l'étape « share secrecy » \(RuntimeError en "
        r"tests/test_pipeline_build\.py:\d+\) : audit des parts : 1 part déductible ; "
        r"l'entrepôt précédent est conservé",
        line,
    )
    assert snapshot(out) == before


def test_swap_in_without_previous_warehouse(tmp_path):
    new = tmp_path / "new"
    new.mkdir()
    (new / "manifest.json").write_text("{}")
    swap_in(new, tmp_path / "warehouse")
    assert (tmp_path / "warehouse" / "manifest.json").read_text() == "{}"
    assert not new.exists()


def test_the_build_database_spills_its_tables_beyond_its_memory_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "BUILD_MEMORY_LIMIT", "32MB")
    con = duckdb.connect(":memory:", config=database_config(tmp_path))
    con.execute(
        "CREATE TABLE big AS SELECT range AS n, md5(range::VARCHAR) AS text FROM range(1000000)"
    )
    assert con.execute("SELECT count(text), sum(n) FROM big").fetchone() == (
        1000000,
        sum(range(1000000)),
    )
    assert any((tmp_path / "spill").iterdir())


def test_swap_in_switches_a_link_and_keeps_the_newest_builds(tmp_path):
    out = old_warehouse(tmp_path)  # a warehouse from before builds were kept
    targets = []
    for n in range(5):
        new = tmp_path / f"new-{n}"
        new.mkdir()
        (new / "manifest.json").write_text(json.dumps({"n": n}))
        targets.append(swap_in(new, out, keep=3))
        assert out.is_symlink() and out.resolve() == targets[-1]
        assert json.loads((out / "manifest.json").read_text()) == {"n": n}
    builds = sorted((tmp_path / "warehouse.builds").iterdir())
    assert builds == targets[-3:]
    assert not os.path.isabs(os.readlink(out))  # the directory can be moved or mounted


def test_swap_in_moves_an_earlier_warehouse_among_the_builds(tmp_path):
    out = old_warehouse(tmp_path)
    new = tmp_path / "new"
    new.mkdir()
    (new / "manifest.json").write_text("{}")
    target = swap_in(new, out)
    earlier = [p for p in (tmp_path / "warehouse.builds").iterdir() if p != target]
    assert [p.name.endswith("-earlier") for p in earlier] == [True]
    assert (earlier[0] / "manifest.json").read_text() == '{"old": true}'
    assert sorted((tmp_path / "warehouse.builds").iterdir()) == [earlier[0], target]


def test_pin_warehouse_names_the_current_build(tmp_path):
    from config import pin_warehouse

    out = tmp_path / "warehouse"
    first = tmp_path / "first"
    first.mkdir()
    swap_in(first, out)
    environ = {"ATLAS_ENV": "test", "ATLAS_VAR_DIR": str(tmp_path), "ATLAS_DATA_DIR": str(out)}
    pinned = pin_warehouse(environ)
    assert pinned == out.resolve() and environ["ATLAS_DATA_DIR"] == str(pinned)
    second = tmp_path / "second"
    second.mkdir()
    swap_in(second, out)
    assert Path(environ["ATLAS_DATA_DIR"]) == pinned  # still the first build
    assert pin_warehouse(environ) == out.resolve() != pinned  # a reload takes the new one
