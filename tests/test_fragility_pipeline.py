"""The fragility diagnosis: a hand-computed example of every criterion, flag and class,
the rules as properties, and the build's proof on a small world."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.diagnostic import BALANCED, CLASS_ID, FLAGS_ID, FRAGILE, METHOD, WATCH
from data.pipeline.fragility import ROW_COLUMNS, FragilityError, diagnose, prove
from tests.support.world import build_world

YEAR = 2024
# The EPCI's value of every criterion: round numbers, so that 1.2 times them is exact.
REFERENCE = {
    "occupation.income_below_40": 40.0,
    "occupation.income_below_20": 20.0,
    "occupation.single_parent": 25.0,
    "occupation.no_adult_employed": 30.0,
    "occupation.apl_share": 50.0,
    "occupation.large_family": 10.0,
    "occupation.holder_under_30": 5.0,
    "occupation.newcomers": 20.0,
    "parc.vacancy_rate_offered": 5.0,
    "parc.move_in_rate": 10.0,
    "diagnostic.poverty_rate": 20.0,
    "diagnostic.median_income": 24000.0,
}
THEME = {indicator_id: indicator_id.split(".")[0] for indicator_id in REFERENCE}
# Values of three residences and an IRIS; None: the value is secret.
FRAGILE_RESIDENCE = {  # 4 flags, exactly at 1.2 times the EPCI: Fragile
    "occupation.income_below_40": 48.0,
    "occupation.income_below_20": 24.0,
    "occupation.single_parent": 30.0,
    "occupation.no_adult_employed": 36.0,
    "occupation.apl_share": 50.0,
    "occupation.large_family": 11.9,
    "occupation.holder_under_30": 5.0,
    "occupation.newcomers": 20.0,
    "parc.vacancy_rate_offered": 5.0,
    "parc.move_in_rate": 10.0,
}
WATCH_RESIDENCE = {  # 3 flags (apl, large families, vacancy); 47.9 < 48: not flagged
    **{key: REFERENCE[key] for key in FRAGILE_RESIDENCE},
    "occupation.income_below_40": 47.9,
    "occupation.apl_share": 61.0,
    "occupation.large_family": 20.0,
    "parc.vacancy_rate_offered": 7.0,
}
SECRET_RESIDENCE = {  # 1 flag, 1 secret criterion: 1 or 2 flags, the class is not decided
    **{key: REFERENCE[key] for key in FRAGILE_RESIDENCE},
    "occupation.newcomers": 30.0,
    "occupation.single_parent": None,
}
IRIS = {  # 2 flags, both from Filosofi: high poverty, median income at 1/1.2 of the EPCI
    **{key: REFERENCE[key] for key in FRAGILE_RESIDENCE},
    "diagnostic.poverty_rate": 24.0,
    "diagnostic.median_income": 20000.0,
}


def criteria_frame(entities: dict[tuple[str, str], dict[str, float | None]]) -> pd.DataFrame:
    rows = [
        ("epci", "200093201", YEAR, key, THEME[key], value, "ok", None, None)
        for key, value in REFERENCE.items()
    ]
    for (scale, code), values in entities.items():
        rows.extend(
            (scale, code, YEAR, key, THEME[key], value, "ok" if value is not None else "secret",
             None, None)
            for key, value in values.items()
        )  # fmt: skip
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


@pytest.fixture(scope="module")
def diagnosis() -> dict[tuple[str, str], tuple[float | None, str]]:
    frame = diagnose(
        criteria_frame(
            {
                ("residence", "A"): FRAGILE_RESIDENCE,
                ("residence", "B"): WATCH_RESIDENCE,
                ("residence", "C"): SECRET_RESIDENCE,
                ("iris", "590010001"): IRIS,
            }
        ),
        METHOD,
    )
    return {
        (code, indicator_id): (None if pd.isna(value) else value, status)
        for code, indicator_id, value, status in frame[
            ["code", "indicator_id", "value", "status"]
        ].itertuples(index=False)
    }


def flag(criterion: str) -> str:
    return f"diagnostic.flag_{criterion}"


def test_every_criterion_is_flagged_at_1_2_times_the_epci(diagnosis):
    flagged = {
        name
        for name in ("income_below_40", "income_below_20", "single_parent", "no_adult_employed")
    }
    for criterion in METHOD.criteria:
        if criterion.indicator_id.startswith("diagnostic."):
            continue  # Filosofi: IRIS only
        expected = 1.0 if criterion.name in flagged else 0.0
        assert diagnosis[("A", criterion.flag_id)] == (expected, "ok"), criterion.name
    assert diagnosis[("A", FLAGS_ID)] == (4.0, "ok")
    assert diagnosis[("A", CLASS_ID)] == (float(FRAGILE), "ok")


def test_just_below_the_ratio_is_not_flagged(diagnosis):
    assert diagnosis[("B", flag("income_below_40"))] == (0.0, "ok")
    for name in ("apl", "large_family", "vacancy"):
        assert diagnosis[("B", flag(name))] == (1.0, "ok")
    assert diagnosis[("B", FLAGS_ID)] == (3.0, "ok")
    assert diagnosis[("B", CLASS_ID)] == (float(WATCH), "ok")


def test_a_secret_criterion_that_could_change_the_class_makes_it_secret(diagnosis):
    assert diagnosis[("C", flag("single_parent"))] == (None, "secret")
    assert diagnosis[("C", flag("newcomers"))] == (1.0, "ok")
    assert diagnosis[("C", FLAGS_ID)] == (None, "secret")
    assert diagnosis[("C", CLASS_ID)] == (None, "secret")


def test_filosofi_criteria_flag_an_iris_and_low_income_is_unfavourable(diagnosis):
    assert diagnosis[("590010001", flag("poverty"))] == (1.0, "ok")
    assert diagnosis[("590010001", flag("median_income"))] == (1.0, "ok")
    assert diagnosis[("590010001", FLAGS_ID)] == (2.0, "ok")
    assert diagnosis[("590010001", CLASS_ID)] == (float(WATCH), "ok")
    assert ("A", flag("poverty")) not in diagnosis  # no Filosofi for a residence


def test_without_any_survey_value_the_class_is_not_available():
    only_parc = {"parc.vacancy_rate_offered": 9.0, "parc.move_in_rate": 20.0}
    frame = diagnose(criteria_frame({("residence", "D"): only_parc}), METHOD)
    row = frame[(frame["code"] == "D") & (frame["indicator_id"] == CLASS_ID)].iloc[0]
    assert row["status"] == "nd" and pd.isna(row["value"])


@given(st.integers(0, 12), st.integers(0, 12))
def test_adding_a_flag_never_lowers_a_class(flags, unknown):
    assert METHOD.class_of(flags + 1) >= METHOD.class_of(flags)
    decided = METHOD.decided_class(flags, unknown)
    if decided is not None:  # whatever the hidden criteria say, the class is the same
        assert all(METHOD.class_of(flags + k) == decided for k in range(unknown + 1))


CRITERIA = [c for c in METHOD.criteria if not c.indicator_id.startswith("diagnostic.")]


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 100), st.booleans()), min_size=len(CRITERIA), max_size=len(CRITERIA)
    )
)
def test_a_published_class_is_recomputable_from_the_published_criteria(values):
    entity = {
        criterion.indicator_id: (None if hidden else value)
        for criterion, (value, hidden) in zip(CRITERIA, values, strict=True)
    }
    frame = diagnose(criteria_frame({("residence", "R"): entity}), METHOD)
    rows = {row.indicator_id: row for row in frame.itertuples(index=False)}
    published = [
        METHOD.is_flagged(entity[c.indicator_id], REFERENCE[c.indicator_id], c.polarity)
        for c in CRITERIA
        if entity[c.indicator_id] is not None
    ]
    hidden = sum(value is None for value in entity.values())
    for criterion in CRITERIA:
        shown = rows[criterion.flag_id]
        if entity[criterion.indicator_id] is None:
            assert shown.status == "secret" and pd.isna(shown.value)
    decided = METHOD.decided_class(sum(published), hidden)
    klass = rows[CLASS_ID]
    if decided is not None:  # survey criteria are published or secret: surveyed
        assert (klass.status, klass.value) == ("ok", float(decided))
        assert decided in (BALANCED, WATCH, FRAGILE)
    else:
        assert klass.status == "secret" and pd.isna(klass.value)


@pytest.fixture(scope="module")
def world():
    con, built = build_world(threshold=3)
    yield con, built
    con.close()


def test_the_build_publishes_a_diagnosis_its_proof_accepts(world):
    con, built = world
    rows = con.execute(
        "SELECT scale, count(*) FROM indicator_row "
        f"WHERE indicator_id = '{CLASS_ID}' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert dict(rows).keys() == {"commune", "iris", "qpv", "residence"}
    assert built.fragility.rows > 0
    prove(con, METHOD)


def test_the_proof_refuses_a_class_its_flags_do_not_decide(world):
    con, _ = world
    con.execute("CREATE TEMP TABLE kept AS SELECT * FROM indicator_row")
    try:
        con.execute(
            f"UPDATE indicator_row SET value = 2, status = 'ok' "
            f"WHERE indicator_id = '{CLASS_ID}' AND scale = 'commune'"
        )
        con.execute(
            "UPDATE indicator_row SET value = 0, status = 'ok' "
            "WHERE starts_with(indicator_id, 'diagnostic.flag_') AND scale = 'commune'"
        )
        with pytest.raises(FragilityError):
            prove(con, METHOD)
    finally:
        con.execute("CREATE OR REPLACE TEMP TABLE indicator_row AS SELECT * FROM kept")


def test_the_demo_diagnosis_passes_its_proof_and_hides_small_residences(demo_warehouse):
    con = duckdb.connect()
    indicators = str(demo_warehouse / "indicators.parquet")
    con.execute(f"CREATE TEMP TABLE indicator_row AS SELECT * FROM read_parquet('{indicators}')")
    prove(con, METHOD)
    published_small = con.execute(
        f"""
        SELECT count(*) FROM indicator_row AS d JOIN indicator_row AS h
          ON h.scale = 'residence' AND h.code = d.code AND h.year = d.year
         AND h.indicator_id = 'occupation.households' AND h.status = 'secret'
        WHERE d.scale = 'residence' AND d.indicator_id = '{CLASS_ID}' AND d.status = 'ok'
        """
    ).fetchone()[0]
    assert published_small == 0
    classes = dict(
        con.execute(
            f"SELECT status, count(*) FROM indicator_row WHERE indicator_id = '{CLASS_ID}' "
            "GROUP BY 1"
        ).fetchall()
    )
    assert classes["ok"] > 0 and classes["secret"] > 0
