"""The finder's column presets: what a preparer sees first, and a new theme's columns."""

from __future__ import annotations

from data.scope import AccessScope
from data.store.finder_types import NUMBER, FinderColumn
from layouts.finder import DEFAULT_PRESET, preset_fields

MEL = AccessScope(
    "CONV-MEL", "MEL", "mel", frozenset({"parc", "occupation", "diagnostic", "equipements"})
)


def test_the_commission_preset_shows_the_key_figures_of_each_theme_not_every_flag(store) -> None:
    fields = preset_fields(DEFAULT_PRESET, store.finder_columns(MEL))
    assert {"name", "parc__vacant_dwellings", "diagnostic__class", "equipements__score_500"} <= set(
        fields
    )
    assert not any(field.startswith("diagnostic__flag_") for field in fields)
    assert len(fields) <= 25


def test_a_theme_no_preset_names_joins_the_commission_preset_whole(store) -> None:
    new = FinderColumn("nouveau__indicateur", "Nouvel indicateur", NUMBER, "nouveau")
    fields = preset_fields(DEFAULT_PRESET, (*store.finder_columns(MEL), new))
    assert "nouveau__indicateur" in fields


def test_the_occupation_preset_shows_every_occupation_column(store) -> None:
    columns = store.finder_columns(MEL)
    fields = set(preset_fields("Occupation", columns))
    assert {c.field for c in columns if c.theme == "occupation"} <= fields
