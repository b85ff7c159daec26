"""The residence finder's store: filters, sorts and pages in SQL, with the scope applied
as on the residence sheet, and hidden values that no filter or sort can reveal."""

from __future__ import annotations

import re
import unicodedata

import pytest

from data.scope import AccessScope
from data.store.finder_types import (
    ColumnFilter,
    FinderQuery,
    NumberCondition,
    SortKey,
    TextCondition,
)

ROUBAIX = "59512"
VILOGIA = "900000002"
ALL_ROWS = 100_000
MEL = AccessScope("CONV-MEL", "MEL", "mel", frozenset({"parc", "occupation"}))
ROUBAIX_SCOPE = AccessScope(
    "CONV-RBX",
    "Roubaix",
    "commune",
    frozenset({"parc", "occupation"}),
    communes=frozenset({ROUBAIX}),
)
VILOGIA_SCOPE = AccessScope(
    "CONV-VIL",
    "Vilogia",
    "bailleur",
    frozenset({"parc", "occupation"}),
    bailleurs=frozenset({VILOGIA}),
)
PARC_ONLY = AccessScope("CONV-P", "Département", "departement", frozenset({"parc"}))
VACANCY = "parc__vacancy_rate_offered"
APL = "occupation__apl_share"


def above(field: str, value: float) -> ColumnFilter:
    return ColumnFilter(field, (NumberCondition("greaterThan", value),))


def everything(store, scope: AccessScope, query: FinderQuery) -> list[dict]:
    return store.finder_page(scope, query, 0, ALL_ROWS, max_rows=ALL_ROWS).rows


@pytest.fixture(scope="module")
def places(store) -> dict[str, tuple[str, str, bool]]:
    """Each residence's commune, landlord and secrecy, read from the warehouse itself."""
    rows = store._cursor().execute(
        "SELECT residence_id, commune_code, bailleur_code, secret FROM residences"
    )
    return {
        rid: (commune, landlord, bool(secret)) for rid, commune, landlord, secret in rows.fetchall()
    }


def test_the_preparers_question_finds_large_roubaix_residences_with_vacancy(store, places) -> None:
    query = FinderQuery(
        filters=(
            above("parc__dwellings", 50),
            above(VACANCY, 5),
            ColumnFilter("commune", (TextCondition("equals", "Roubaix"),)),
        ),
        sort=(SortKey(VACANCY, descending=True),),
    )
    page = store.finder_page(ROUBAIX_SCOPE, query, 0, 20)
    assert page.total > 3
    assert all(places[row["residence_id"]][0] == ROUBAIX for row in page.rows)
    assert all(row["parc__dwellings"] > 50 and row[VACANCY] > 5 for row in page.rows)
    vacancies = [row[VACANCY] for row in page.rows]
    assert vacancies == sorted(vacancies, reverse=True)


def test_a_numeric_filter_never_matches_a_hidden_value(store, places) -> None:
    rows = everything(store, MEL, FinderQuery(filters=(above(VACANCY, -1),)))
    assert rows, "some residences have a published vacancy"
    assert not any(places[row["residence_id"]][2] for row in rows)  # no secret residence
    assert all(row[f"{VACANCY}__status"] == "ok" for row in rows)
    blank = everything(
        store, MEL, FinderQuery(filters=(ColumnFilter(VACANCY, (NumberCondition("blank"),)),))
    )
    assert len(rows) + len(blank) == len(places)


def test_a_sort_puts_every_hidden_value_last_in_the_same_order_both_ways(store) -> None:
    def order(descending: bool) -> list[dict]:
        return everything(store, MEL, FinderQuery(sort=(SortKey(VACANCY, descending),)))

    for rows in (order(False), order(True)):
        statuses = [row[f"{VACANCY}__status"] for row in rows]
        first_hidden = statuses.index("secret")
        assert all(status == "ok" for status in statuses[:first_hidden])
        assert all(row[VACANCY] is None for row in rows[first_hidden:])
    hidden_up = [row["residence_id"] for row in order(False) if row[VACANCY] is None]
    hidden_down = [row["residence_id"] for row in order(True) if row[VACANCY] is None]
    assert hidden_up == hidden_down  # their order says nothing about their values


def folded(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c)
    )


def reading_key(row: dict) -> tuple:
    """Residences with a name of their own first, by name (a numbered programme after its
    namesake, « Cité Jardin 2 » before « Cité Jardin 10 ») and commune; then those named
    by their address, by commune, street and number."""
    name = row["name"]
    commune = folded(row["commune"])
    if name != row["address"]:
        numbered = re.fullmatch(r"(.*) (\d+)", name)
        stem, rank = (numbered[1], int(numbered[2])) if numbered else (name, -1)
        return (0, "", "", 0, folded(stem), rank, folded(name), name, commune)
    number = re.match(r"(\d+)( ?(bis|ter|quater|[A-Za-z]))? +", name)
    assert number, f"an address begins with its number: {name}"
    street = name[number.end() :]
    return (1, commune, folded(street), int(number[1]), "", -1, folded(name), name, commune)


def test_the_list_opens_on_named_residences_then_addresses_by_street(store) -> None:
    rows = everything(store, MEL, FinderQuery())
    keys = [reading_key(row) for row in rows]
    assert keys == sorted(keys)
    assert keys[0][0] == 0 and keys[-1][0] == 1, "both kinds of name in the demo"
    assert any(key[5] >= 10 for key in keys), "numbered programmes beyond 9 in the demo"
    roubaix = [row["name"] for row in rows if row["commune"] == "Roubaix"]
    by_address = [name for name in roubaix if name[0].isdigit()]
    assert by_address, "some Roubaix residences are known by their address"
    assert roubaix.index(by_address[0]) > max(
        roubaix.index(name) for name in roubaix if not name[0].isdigit()
    )


def test_a_sort_orders_ties_and_hidden_values_by_name_then_id(store) -> None:
    def ids(field: str, descending: bool) -> list[str]:
        query = FinderQuery(sort=(SortKey(field, descending),))
        return [row["residence_id"] for row in everything(store, MEL, query)]

    rows = everything(store, MEL, FinderQuery())
    by_name = sorted(rows, key=lambda row: (reading_key(row), row["residence_id"]))
    assert ids("name", False) == [row["residence_id"] for row in by_name]
    names = [row["name"] for row in by_name]
    assert len(set(names)) < len(names), "some residences share a name"
    descending = sorted(by_name, key=reading_key, reverse=True)  # stable: ids up
    assert ids("name", True) == [row["residence_id"] for row in descending]
    hidden = [row["residence_id"] for row in by_name if row[VACANCY] is None]
    assert [rid for rid in ids(VACANCY, True) if rid in set(hidden)] == hidden


def test_occupation_is_read_only_inside_the_perimeter(store, places) -> None:
    for scope, inside in (
        (ROUBAIX_SCOPE, lambda rid: places[rid][0] == ROUBAIX),
        (VILOGIA_SCOPE, lambda rid: places[rid][1] == VILOGIA),
    ):
        matched = everything(store, scope, FinderQuery(filters=(above(APL, -1),)))
        assert matched and all(inside(row["residence_id"]) for row in matched)
        by_apl = everything(store, scope, FinderQuery(sort=(SortKey(APL, True),)))
        outside = [row for row in by_apl if not inside(row["residence_id"])]
        assert outside and all(
            row[APL] is None and row[f"{APL}__status"] == "restricted" for row in outside
        )
    assert len(everything(store, MEL, FinderQuery(filters=(above(APL, -1),)))) > len(matched)


def test_a_column_the_convention_does_not_grant_is_neither_shown_nor_filtered(
    store, places
) -> None:
    fields = {column.field for column in store.finder_columns(PARC_ONLY)}
    assert VACANCY in fields and APL not in fields
    rows = everything(store, PARC_ONLY, FinderQuery(filters=(above(APL, 1000),)))
    assert len(rows) == len(places)  # the crafted filter is dropped, not applied
    assert all(APL not in row for row in rows[:5])


def test_quick_search_zone_and_area_narrow_the_rows(store, places) -> None:
    in_roubaix = everything(store, MEL, FinderQuery(zone=("commune", ROUBAIX)))
    assert in_roubaix and {places[row["residence_id"]][0] for row in in_roubaix} == {ROUBAIX}
    row = in_roubaix[0]
    box = (row["lon"] - 0.001, row["lat"] - 0.001, row["lon"] + 0.001, row["lat"] + 0.001)
    assert row["residence_id"] in {
        r["residence_id"] for r in everything(store, MEL, FinderQuery(bbox=box))
    }
    word = row["name"].split()[-1]
    found = everything(store, MEL, FinderQuery(quick=word.upper()))
    assert row["residence_id"] in {r["residence_id"] for r in found}
    assert len(found) < len(places)


def test_pages_follow_each_other_without_overlap(store) -> None:
    query = FinderQuery(sort=(SortKey("parc__dwellings", True),))
    first = store.finder_page(MEL, query, 0, 100)
    second = store.finder_page(MEL, query, 100, 200)
    assert len(first.rows) == len(second.rows) == 100
    assert not {r["residence_id"] for r in first.rows} & {r["residence_id"] for r in second.rows}
    assert first.total == second.total == len(everything(store, MEL, FinderQuery()))


def test_a_page_past_the_last_match_is_empty_and_still_counts_the_matches(store) -> None:
    query = FinderQuery(filters=(above("parc__dwellings", 50),))
    total = store.finder_page(MEL, query, 0, 100).total
    beyond = store.finder_page(MEL, query, total + 100, total + 200)
    assert 0 < total == beyond.total and beyond.rows == []


def test_a_row_reads_the_warehouse_values_of_its_residence(store) -> None:
    """A page's rows come from the finder's columns held in memory, by position: each must
    be its own residence's, a missing value None, as a direct read of the table gives."""
    rows = store.finder_page(MEL, FinderQuery(sort=(SortKey(VACANCY),)), 0, 300).rows
    direct = dict(
        store._cursor()
        .execute(f"SELECT residence_id, {VACANCY} FROM finder WHERE {VACANCY}__status = 'ok'")
        .fetchall()
    )
    assert rows and all(row[VACANCY] == direct.get(row["residence_id"]) for row in rows)
    assert any(row[VACANCY] is None for row in store.finder_page(MEL, FinderQuery(), 0, 3000).rows)


def test_vacant_dwellings_are_the_vacancy_rates_numerator_and_hidden_with_the_residence(
    store, places
) -> None:
    vacant = "parc__vacant_dwellings"
    rows = everything(store, MEL, FinderQuery())
    shown = [row for row in rows if row[f"{vacant}__status"] == "ok"]
    assert shown and all(0 <= row[vacant] <= row["parc__dwellings"] for row in shown)
    assert all(
        (row[vacant] == 0) == (row[VACANCY] == 0) for row in shown if row[VACANCY] is not None
    )
    secret = [row for row in rows if places[row["residence_id"]][2]]
    assert secret and all(
        row[vacant] is None and row[f"{vacant}__status"] == "secret" for row in secret
    )
