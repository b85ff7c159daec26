"""Naming the territory of a build: parsing, describing, recording it in the raw directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.territory import MEL, Territory, TerritoryError, parse_territory, record, recorded


@pytest.mark.parametrize(
    ("text", "territory", "slug"),
    [
        ("epci:200093201", MEL, "200093201"),
        (" EPCI:245900428 ", Territory("epci", "245900428"), "245900428"),
        ("dep:59", Territory("dep", "59"), "dep59"),
        ("dep:2a", Territory("dep", "2A"), "dep2A"),
        ("dep:974", Territory("dep", "974"), "dep974"),
        ("reg:32", Territory("reg", "32"), "reg32"),
        ("FR", Territory("fr"), "fr"),
    ],
)
def test_parse_reads_every_kind_and_prints_back(text: str, territory: Territory, slug: str) -> None:
    parsed = parse_territory(text)
    assert parsed == territory and parsed.slug == slug
    assert parse_territory(str(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("59", "illisible : attendu epci:200093201, dep:59, reg:32 ou fr"),
        ("commune:59350", "illisible"),
        ("epci:2000932", "code « 2000932 » invalide, attendu un SIREN de 9 chiffres"),
        ("dep:5", "attendu un code de département"),
        ("reg:324", "attendu un code de région à 2 chiffres"),
        ("dep:", "code «  » invalide"),
    ],
)
def test_parse_refuses_a_bad_value_in_french(text: str, message: str) -> None:
    with pytest.raises(TerritoryError, match=message):
        parse_territory(text)


def test_describe_in_french() -> None:
    assert MEL.describe() == "l'EPCI 200093201"
    assert Territory("dep", "59").describe() == "le département 59"
    assert Territory("reg", "32").describe() == "la région 32"
    assert Territory("fr").describe() == "la France entière"


def test_the_raw_directory_records_its_territory(tmp_path: Path) -> None:
    assert recorded(tmp_path) is None
    record(tmp_path, Territory("dep", "59"), "Nord")
    assert recorded(tmp_path) == Territory("dep", "59")
