"""The BPE `TYPEQU` codes of the proximity families, in both code lists."""

from __future__ import annotations

import pytest

from data.sources.codes import (
    BPE_TYPEQU_BEFORE_2024,
    BPE_TYPEQU_SINCE_2024,
    EQUIPMENT_FAMILIES,
    TRANSIT_FAMILY,
    bpe_types,
)


def families_of(vintage: int, code: str) -> tuple[str, ...]:
    return bpe_types(vintage).get(code, ("", ()))[1]


@pytest.mark.parametrize(
    ("code", "families"),
    [
        ("C107", ("maternelle",)),
        ("C108", ("maternelle", "elementaire")),
        ("C109", ("elementaire",)),
        ("C201", ("college",)),
        ("D502", ("creche",)),
        ("D265", ("medecin",)),
        ("D307", ("pharmacie",)),
        ("B104", ("alimentation",)),
        ("B207", ("alimentation",)),
        ("A128", ("poste",)),
        ("E108", ("gare",)),
        ("C101", ()),
        ("D301", ()),
        ("B101", ()),
    ],
)
def test_the_2024_list(code: str, families: tuple[str, ...]) -> None:
    assert families_of(2024, code) == families
    assert families_of(2025, code) == families


@pytest.mark.parametrize(
    ("code", "families"),
    [
        ("C101", ("maternelle",)),
        ("C104", ("elementaire",)),
        ("C201", ("college",)),
        ("D201", ("medecin",)),
        ("D301", ("pharmacie",)),
        ("B101", ("alimentation",)),
        ("B203", ("alimentation",)),
        ("A206", ("poste",)),
        ("E107", ("gare",)),
        ("D307", ()),
        ("D265", ()),
        ("C107", ()),
    ],
)
def test_the_older_list(code: str, families: tuple[str, ...]) -> None:
    assert families_of(2023, code) == families
    assert families_of(2018, code) == families


def test_every_family_but_transit_has_codes_in_both_lists() -> None:
    for table in (BPE_TYPEQU_SINCE_2024, BPE_TYPEQU_BEFORE_2024):
        covered = {family for _, families in table.values() for family in families}
        assert covered == set(EQUIPMENT_FAMILIES) - {TRANSIT_FAMILY}
