"""The attributions pipeline on a small hand-made SNE file with known answers: the
indicators, the legal targets, the secrecy of small counts and of what would give them
back; property tests of the suppression of breakdowns."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.catalog import CATALOG
from data.pipeline import attributions, proof
from data.pipeline.grid_secrecy import (
    Grid,
    GridProtector,
    audit_grids,
    primary_cells,
    protect,
    shared_breaches,
)
from data.sources import sne
from tests.support.sources import write_csv

EPCI = "200093201"
A, B, C, D, E = "59350", "59512", "59599", "59009", "59017"
QPV = "QN05901M"
HEADER = [
    "DEPCOM", "ANNEE", "INDICATEUR", "TYPOLOGIE", "QUARTILE", "QPV", "RESERVATAIRE",
    "PUBLIC_PRIORITAIRE", "NOMBRE", "DELAI_MEDIAN_MOIS", "SIREN_BAILLEUR", "CODE_QPV",
]  # fmt: skip
LANDLORD = "900000001"


def allocation(commune, quartile, qpv, holder, priority, number, delay, typology="T3"):
    code = QPV if qpv else ""
    return [commune, "2024", "attributions", typology, quartile, str(qpv), holder,
            str(priority), str(number), str(delay), LANDLORD, code]  # fmt: skip


def pending(commune, quartile, number, typology="T2"):
    return [commune, "2024", "demandes", typology, quartile, "0", "etat", "0", str(number),
            "", "", ""]  # fmt: skip


ROWS = [
    # commune A: 30 of 120 allocations outside QPV to the first quartile (25 %), 60 of 100
    # in its QPV to quartiles 2-4 (60 %); 1 200 pending
    allocation(A, "Q1", 0, "collectivites", 1, 30, 10),
    allocation(A, "Q2", 0, "action_logement", 0, 90, 20),
    allocation(A, "Q1", 1, "etat", 1, 40, 5),
    allocation(A, "Q3", 1, "bailleur", 0, 60, 30),
    pending(A, "Q1", 500),
    pending(A, "Q2", 400),
    pending(A, "NR", 300),
    # commune B: 2 first-quartile allocations outside QPV of 52: secret
    allocation(B, "Q1", 0, "collectivites", 0, 2, 12),
    allocation(B, "Q2", 0, "bailleur", 0, 50, 14),
    pending(B, "Q1", 400),
    # commune C: 20 first-quartile allocations of 80 outside QPV
    allocation(C, "Q1", 0, "etat", 1, 20, 8),
    allocation(C, "Q4", 0, "action_logement", 0, 60, 16),
    pending(C, "Q3", 700),
    # communes D and E: the smallest first-quartile counts that B's secret hides beside it
    allocation(D, "Q1", 0, "bailleur", 0, 15, 9),
    allocation(D, "Q2", 0, "bailleur", 0, 60, 9),
    allocation(E, "Q1", 0, "action_logement", 0, 12, 9),
    allocation(E, "Q2", 0, "action_logement", 0, 60, 9),
]
COMMUNES_OF_EPCI = [A, B, C, D, E]
EPCI_OF = pd.Series(EPCI, index=COMMUNES_OF_EPCI)  # commune -> its EPCI


@pytest.fixture
def decision(tmp_path: Path) -> attributions.AttributionDecision:
    con = duckdb.connect()
    sne.load(con, [write_csv(tmp_path / "SNE_2024.csv", HEADER, ROWS)], "sne")
    facts = attributions.read_facts(con, EPCI_OF, COMMUNES_OF_EPCI, [QPV])
    return attributions.decide(facts, threshold=11)


def values(decision) -> dict[tuple[str, str], tuple]:
    rows = attributions.indicator_rows(decision, lambda i: CATALOG[i].scales)
    return {
        (f"{r.scale}:{r.code}", r.indicator_id): (r.value if r.status == "ok" else None, r.status)
        for r in rows.itertuples()
    }


def test_indicators_and_targets_have_their_known_values(decision) -> None:
    found = values(decision)
    assert found[(f"epci:{EPCI}", "attributions.pending")] == (2300.0, "ok")
    assert found[(f"epci:{EPCI}", "attributions.allocations")] == (499.0, "ok")
    assert found[(f"epci:{EPCI}", "attributions.pressure")][0] == pytest.approx(2300 / 499)
    # first quartile outside QPV: (30 + 2 + 20 + 15 + 12) of (120 + 52 + 80 + 75 + 72)
    share = found[(f"epci:{EPCI}", "attributions.q1_outside_qpv_share")][0]
    assert share == pytest.approx(100 * 79 / 399)
    assert share < 25  # the target is missed
    assert found[(f"commune:{A}", "attributions.q1_outside_qpv_share")] == (25.0, "ok")
    assert found[(f"commune:{A}", "attributions.q234_inside_qpv_share")] == (60.0, "ok")
    assert found[(f"qpv:{QPV}", "attributions.q234_inside_qpv_share")] == (60.0, "ok")
    assert found[(f"commune:{A}", "attributions.pressure")][0] == pytest.approx(1200 / 220)
    # A's allocations by waiting time: 40 at 5, 30 at 10, 90 at 20, 60 at 30 months
    assert found[(f"commune:{A}", "attributions.waiting_months")] == (20.0, "ok")
    # priority publics: the State's 40 + 20 of 60, the collectivities' 30 of 32
    assert found[(f"epci:{EPCI}", "attributions.priority_share_etat")] == (100.0, "ok")
    assert found[(f"epci:{EPCI}", "attributions.pending_q1_share")][0] == pytest.approx(
        100 * 900 / 2000
    )


def test_small_counts_and_the_shares_over_them_are_secret(decision) -> None:
    found = values(decision)
    assert found[(f"commune:{B}", "attributions.q1_outside_qpv_share")] == (None, "secret")
    hidden = decision.hidden[2024]
    # B's 2 are hidden, and so is what would give them back: its 52 outside QPV minus 50
    assert "attributions|out:Q1|commune:59512" in hidden
    assert {f"attributions|out:{n}|commune:59512" for n in ("known", "Q234")} & hidden
    # the collectivities' 2 non-priority allocations at the EPCI
    assert "attributions|holder:collectivites:nonprio|epci:200093201" in hidden
    assert found[(f"epci:{EPCI}", "attributions.priority_share_collectivites")] == (None, "secret")
    # published counts are 0 or at least 11
    rows = attributions.breakdown_rows(decision)
    published = rows.loc[rows["status"] == "ok", "value"]
    assert ((published == 0) | (published >= 11)).all()


def test_no_hidden_count_comes_back_from_the_published_ones(decision) -> None:
    assert audit_grids(decision.grids[2024], decision.hidden[2024], 11) == []
    # with the complements published again, the proof finds the breach
    primary = set().union(*(primary_cells(g, 11) for g in decision.grids[2024]))
    assert audit_grids(decision.grids[2024], primary, 11)


def test_a_commune_knowing_its_own_reads_no_other_by_subtraction(decision) -> None:
    """The EPCI's first-quartile allocations outside QPV minus the other communes' would
    give B's: when B's is hidden, so are enough others that a commune subtracting its own
    still faces two unknowns; the smallest are chosen, A's and C's stay published."""
    hidden = decision.hidden[2024]
    column = [f"attributions|out:Q1|commune:{c}" for c in COMMUNES_OF_EPCI]
    epci = f"attributions|out:Q1|epci:{EPCI}"
    assert epci not in hidden and sum(cell in hidden for cell in column) >= 3
    assert {f"attributions|out:Q1|commune:{c}" for c in (D, E)} <= hidden


def test_each_epci_of_a_territory_keeps_its_own_communes_apart(tmp_path: Path) -> None:
    """Two EPCIs with the same figures: each EPCI's column holds its own communes, and
    in each a commune knowing its own still faces two unknowns (the grid once took the
    first EPCI's column for every commune of the territory, leaving the others unchecked)."""
    other_epci = "245900428"
    twin = dict(zip(COMMUNES_OF_EPCI, ["59155", "59183", "59273", "59340", "59588"], strict=True))
    rows = ROWS + [[twin[row[0]], *row[1:]] for row in ROWS]
    epci_of = pd.concat([EPCI_OF, pd.Series(other_epci, index=list(twin.values()))])
    con = duckdb.connect()
    sne.load(con, [write_csv(tmp_path / "SNE_2024.csv", HEADER, rows)], "sne")
    facts = attributions.read_facts(con, epci_of, list(epci_of.index), [QPV])
    decided = attributions.decide(facts, threshold=11)
    hidden = decided.hidden[2024]
    for epci, communes in ((EPCI, COMMUNES_OF_EPCI), (other_epci, list(twin.values()))):
        total = f"attributions|out:Q1|epci:{epci}"
        column = [f"attributions|out:Q1|commune:{c}" for c in communes]
        (grid,) = [g for g in decided.grids[2024] if total in g.columns]
        assert sorted(grid.columns[total]) == sorted(column)
        assert total not in hidden and sum(cell in hidden for cell in column) >= 3
    assert audit_grids(decided.grids[2024], hidden, 11) == []


def test_a_file_without_the_optional_columns_still_loads(tmp_path: Path) -> None:
    con = duckdb.connect()
    rows = [row[:10] for row in ROWS]
    sne.load(con, [write_csv(tmp_path / "SNE_2024.csv", HEADER[:10], rows)], "sne")
    facts = attributions.read_facts(con, EPCI_OF, COMMUNES_OF_EPCI, [QPV])
    decision = attributions.decide(facts, threshold=11)
    assert "landlords" not in decision.breakdowns
    assert not any(cell.split("|")[2].startswith("qpv:") for cell in decision.counts[2024])
    assert values(decision)[(f"epci:{EPCI}", "attributions.allocations")] == (499.0, "ok")


def test_thresholds_are_read_from_the_reference_table() -> None:
    table = attributions.read_thresholds([EPCI])
    assert table.set_index("year").loc[2024, ["q1", "median", "q3"]].tolist() == [
        9324,
        13634,
        18680,
    ]
    assert table["source"].str.contains("URH Hauts-de-France").all()
    assert 2023 not in set(table["year"])  # a year without a confirmed source is absent


# --- properties of the suppression --------------------------------------------------------

COMMUNES = ("59001", "59002", "59003", "59004", "59005")
TYPOLOGIES = ("T1", "T2", "T3", "T4", "T5+")


@st.composite
def typology_facts(draw) -> pd.DataFrame:
    counts = draw(
        st.lists(
            st.lists(st.integers(0, 40), min_size=len(TYPOLOGIES), max_size=len(TYPOLOGIES)),
            min_size=2,
            max_size=len(COMMUNES),
        )
    )
    rows = [
        {"year": 2024, "depcom": commune, "measure": "demandes", "typology": typology,
         "qpv_code": "", "epci": EPCI, "nombre": number}
        for commune, by_typology in zip(COMMUNES, counts, strict=False)
        for typology, number in zip(TYPOLOGIES, by_typology, strict=True)
        if number
    ]  # fmt: skip
    return pd.DataFrame(rows)


# every commune gets the breakdown, whatever its total
BREAKDOWN = replace(
    next(b for b in attributions.BREAKDOWNS if b.name == "pending_typology"), local_minimum=0
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typology_facts())
def test_suppression_leaves_no_small_count_published_nor_recoverable(facts) -> None:
    if facts.empty:
        return
    (grid,) = attributions.build_grids(facts, (BREAKDOWN,), 5)[2024]
    hidden = protect([grid], 5).hidden
    for cell in grid.cells:
        if cell not in hidden:
            assert grid.truth(cell) == 0 or grid.truth(cell) >= 5
    assert primary_cells(grid, 5) <= hidden
    assert audit_grids([grid], hidden, 5) == []


def warehouse_tables(decision) -> duckdb.DuckDBPyConnection:
    """The theme's tables as the build writes them."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE indicator_row (scale VARCHAR, code VARCHAR, year INTEGER,"
        " indicator_id VARCHAR, theme VARCHAR, value DOUBLE, status VARCHAR,"
        " residence_id VARCHAR, hidden_from VARCHAR[])"
    )
    attributions.create_tables(con, decision, [EPCI])
    return con


def test_the_build_proof_stops_a_warehouse_publishing_a_hidden_count(decision) -> None:
    con = warehouse_tables(decision)
    proof.prove_attributions(con, decision)
    con.execute(
        "UPDATE attributions SET status = 'ok', value = 2 "
        f"WHERE node = 'out:Q1' AND scale = 'commune' AND code = '{B}'"
    )
    with pytest.raises(proof.DisclosureError, match="attributions"):
        proof.prove_attributions(con, decision)


def test_the_build_proof_stops_a_warehouse_publishing_the_complements_back(decision) -> None:
    """Every count hidden only to protect others, published again: the solutions the
    decision hands the proof (if any: moves show most cells wide with no linear program)
    no longer solve what is published, and the proof finds the small counts they gave
    back."""
    con = warehouse_tables(decision)
    primary = set().union(*(primary_cells(g, 11) for g in decision.grids[2024]))
    for cell in decision.hidden[2024] - primary:
        measure, node, scale, code = attributions.parse_cell(cell)
        con.execute(
            "UPDATE attributions SET status = 'ok', value = ? WHERE year = 2024 AND scale = ? "
            "AND code = ? AND measure = ? AND node = ?",
            [decision.counts[2024][cell], scale, code, measure, node],
        )
    with pytest.raises(proof.DisclosureError, match="entre"):
        proof.prove_attributions(con, decision)


def test_the_build_proof_stops_a_share_over_a_hidden_count(decision) -> None:
    con = warehouse_tables(decision)
    con.execute(
        "UPDATE indicator_row SET status = 'ok', value = 3.8 WHERE code = ? "
        "AND indicator_id = 'attributions.q1_outside_qpv_share'",
        [B],
    )
    with pytest.raises(proof.DisclosureError, match="non publié"):
        proof.prove_attributions(con, decision)


def test_a_margin_shared_by_two_breakdowns_keeps_t_values_once_both_are_read() -> None:
    """T is hidden in two breakdowns of the same counts: the first leaves it between 0 and
    15, the second between 8 and 20, each wide enough alone; read together, 8 to 15 is
    too narrow. The proof finds it; hiding what the complement rule picks repairs it."""
    first = Grid(
        "quartiles 2024",
        {"a_t": 12.0, "a_x": 3.0},
        {"T": ("a_t",), "X": ("a_x",), "P": ("a_t", "a_x")},
    )
    second = Grid(
        "typologie 2024",
        {"b_u1": 8.0, "b_u2": 4.0, "b_y": 8.0},
        {
            "T": ("b_u1", "b_u2"),
            "U1": ("b_u1",),
            "U2": ("b_u2",),
            "Y": ("b_y",),
            "Q": ("b_u1", "b_u2", "b_y"),
        },
    )
    hidden = {"T", "X", "U2", "Y"}
    protectors = [GridProtector(first, 11), GridProtector(second, 11)]
    ((protector, breach),) = shared_breaches(protectors, hidden, 11)
    assert breach.cell == "T" and protector.grid is second  # [8, 20]: the tighter one
    assert any("marge commune" in failure for failure in audit_grids([first, second], hidden, 11))
    for _ in range(4):  # as `protect` does: hide the complement until no margin is narrowed
        narrowed = shared_breaches(protectors, hidden, 11)
        if not narrowed:
            break
        for protector, breach in narrowed:
            hidden.add(protector.complement(breach, hidden))
    assert not audit_grids([first, second], hidden, 11)
    assert {"U1", "Q", "P"} & hidden  # a published total or part went with it
