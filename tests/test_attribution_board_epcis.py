"""The allocations board of a territory of several EPCIs: each EPCI's board and each of
its communes' list the communes of that EPCI only and show that EPCI's first-quartile
thresholds (legal targets are set per EPCI)."""

from __future__ import annotations

from data.scope import AccessScope
from data.store.attribution_board import AttributionBoards
from data.store.attribution_types import CommuneRow, Threshold
from data.store.types import ZoneRef

BELFORT = ZoneRef("epci", "200069052", "Grand Belfort")
SUD = ZoneRef("epci", "249000241", "Sud Territoire")
COMMUNES = {"90010": BELFORT, "90011": BELFORT, "90020": SUD}
STATE = AccessScope("N", "État", "etat", frozenset({"attributions"}))
THRESHOLDS = {
    BELFORT.code: {2024: Threshold(2024, 9100.0, 13500.0, 18600.0, "arrêté")},
    SUD.code: {2024: Threshold(2024, 8200.0, 12800.0, 17400.0, "arrêté")},
}


def boards() -> AttributionBoards:
    """The board's store over two EPCIs, its warehouse reads given as already read."""
    store = AttributionBoards.__new__(AttributionBoards)
    refs = {(ref.scale, ref.code): ref for ref in (BELFORT, SUD)}
    refs |= {("commune", code): ZoneRef("commune", code, code, code) for code in COMMUNES}
    rows = tuple(CommuneRow(code, code, {}, {}) for code in COMMUNES)
    store.__dict__.update(
        _zone_refs=refs,
        _commune_epci={code: epci.code for code, epci in COMMUNES.items()},
        epci=BELFORT,
        _commune_rows={2024: rows},
        _attribution_values={},
        _attribution_breakdowns_by_zone={},
        quartile_thresholds=THRESHOLDS,
        _landlord_names={},
        _attribution_breakdowns=frozenset(),
    )
    return store


def listed(board) -> list[str]:
    return [row.code for row in board.communes[2024]]


def test_each_epci_board_lists_its_own_communes() -> None:
    store = boards()
    assert store.board_epcis == (BELFORT, SUD)
    assert listed(store.attribution_board("epci", SUD.code, STATE)) == ["90020"]
    assert listed(store.attribution_board("epci", BELFORT.code, STATE)) == ["90010", "90011"]
    assert listed(store.attribution_board("commune", "90020", STATE)) == ["90020"]


def first_quartile(board) -> float:
    return board.thresholds[2024].q1


def test_each_epci_board_shows_its_own_thresholds() -> None:
    store = boards()
    assert first_quartile(store.attribution_board("epci", SUD.code, STATE)) == 8200.0
    assert first_quartile(store.attribution_board("epci", BELFORT.code, STATE)) == 9100.0
    assert first_quartile(store.attribution_board("commune", "90020", STATE)) == 8200.0
    assert first_quartile(store.attribution_board("commune", "90011", STATE)) == 9100.0
