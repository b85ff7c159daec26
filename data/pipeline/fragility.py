"""The fragility diagnosis in the warehouse: criteria read from the published indicator
rows, flags against the EPCI, classes; appended to `indicator_row` (theme 'diagnostic').

Run after the long format and its audit: every input is a value the warehouse already
publishes (occupation and parc rows after secrecy, the Filosofi context), so a flag or
a class adds nothing a user could not work out from them, and the rules of `data.diagnostic`
keep a class from saying what a hidden criterion is. A diagnosis row inherits its
inputs' access rule: the status 'perimeter' and owner of a zone value that is in effect
one residence's, and the perimeters a zone value is hidden from (`hidden_from`); at
residence scale the store applies the occupation perimeter to the whole theme
(`data.scope.PERIMETER_THEMES`). `prove` reads the rows back and checks both.

Vintages: one diagnosis per OPS survey year; the parc criteria are those of the RPLS
vintage linked to the survey, the Filosofi ones of the nearest Filosofi vintage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from data.catalog import CATALOG, DIAGNOSED_SCALES
from data.diagnostic import (
    CLASS_ID,
    CLASS_LABELS,
    FLAGS_ID,
    MEDIAN_INCOME_ID,
    POVERTY_ID,
    FragilityMethod,
)
from data.vintages import link_years

PUBLISHED = ("ok", "perimeter")
FILOSOFI_COLUMNS = {POVERTY_ID: "disp_tp60", MEDIAN_INCOME_ID: "disp_med"}
ROW_COLUMNS = ["scale", "code", "year", "indicator_id", "theme", "value", "status",
               "residence_id", "hidden_from"]  # fmt: skip


class FragilityError(RuntimeError):
    """A diagnosis row of the warehouse says more than its published criteria."""


@dataclass
class FragilityReport:
    rows: int = 0
    # latest survey: the classes of each scale, and how many are secret or not available
    classes: dict[str, dict[str, int]] = field(default_factory=dict)

    def manifest(self, method: FragilityMethod) -> dict:
        return {**method.manifest(), "rows": self.rows, "latest_classes": self.classes}

    def summary(self) -> str:
        parts = [
            f"{scale} " + ", ".join(f"{label} {count}" for label, count in counts.items())
            for scale, counts in self.classes.items()
        ]
        return f"diagnostic : {self.rows} valeurs ; " + " ; ".join(parts)


def create_filosofi_rows(
    con: duckdb.DuckDBPyConnection, ops_years: list[int], filosofi_years: list[int]
) -> None:
    """Table `filosofi_row`: the Filosofi context of each IRIS of the EPCI for each survey
    year (its nearest Filosofi vintage), and the EPCI's reference, the median of its IRIS.
    Empty without Filosofi."""
    links = link_years(ops_years, filosofi_years)
    if not links:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE filosofi_row (scale VARCHAR, code VARCHAR, "
            "year INTEGER, indicator_id VARCHAR, value DOUBLE)"
        )
        return
    con.execute(
        "CREATE OR REPLACE TEMP TABLE filosofi_link (ops_year INTEGER, filosofi_year INTEGER)"
    )
    con.executemany("INSERT INTO filosofi_link VALUES (?, ?)", list(links.items()))
    measures = " UNION ALL ".join(
        f"SELECT iris_code, year, '{indicator_id}' AS indicator_id, {column} AS value FROM filosofi"
        for indicator_id, column in FILOSOFI_COLUMNS.items()
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE filosofi_row AS
        WITH measure AS ({measures}),
        iris AS (
          SELECT zone.code, l.ops_year AS year, m.indicator_id, m.value
          FROM zone JOIN filosofi_link AS l ON true
          JOIN measure AS m ON m.iris_code = zone.code AND m.year = l.filosofi_year
          WHERE zone.scale = 'iris'
        )
        SELECT 'iris' AS scale, code, year, indicator_id, CAST(value AS DOUBLE) AS value
        FROM iris
        UNION ALL
        SELECT 'epci', e.epci_code, year, indicator_id, median(value)
        FROM iris JOIN zone_epci AS e ON e.scale = 'iris' AND e.code = iris.code
        WHERE e.epci_code IN (SELECT code FROM zone WHERE scale = 'epci')
        GROUP BY ALL
        """
    )


def append_filosofi_rows(con: duckdb.DuckDBPyConnection) -> None:
    """The Filosofi context into `indicator_row` (public data: 'nd' where INSEE did not
    publish it)."""
    con.execute(
        """
        INSERT INTO indicator_row BY NAME
        SELECT scale, code, CAST(year AS INTEGER) AS year, indicator_id,
          'diagnostic' AS theme, value, CASE WHEN value IS NULL THEN 'nd' ELSE 'ok' END AS status
        FROM filosofi_row
        """
    )


def read_criteria(
    con: duckdb.DuckDBPyConnection, method: FragilityMethod, links: dict[int, int]
) -> pd.DataFrame:
    """The published rows of every criterion, by survey year (a parc criterion at the
    RPLS vintage linked to the survey), at the diagnosed scales and the EPCI."""
    con.execute("CREATE OR REPLACE TEMP TABLE survey_link (ops_year INTEGER, rpls_year INTEGER)")
    if links:
        con.executemany("INSERT INTO survey_link VALUES (?, ?)", list(links.items()))
    ids = [criterion.indicator_id for criterion in method.criteria]
    scales = ["epci", *DIAGNOSED_SCALES]
    return con.execute(
        f"""
        SELECT r.scale, r.code, l.ops_year AS year, r.indicator_id, r.theme, r.value, r.status,
          r.residence_id, r.hidden_from
        FROM indicator_row AS r
        JOIN survey_link AS l
          ON r.year = CASE WHEN r.theme = 'parc' THEN l.rpls_year ELSE l.ops_year END
        WHERE r.indicator_id IN ({", ".join("?" for _ in ids)})
          AND r.scale IN ({", ".join("?" for _ in scales)})
        """,
        [*ids, *scales],
    ).df()


@dataclass
class _Tally:
    """What a zone's or residence's criteria say together, for its class."""

    flags: int = 0  # flagged among the published criteria
    unknown: int = 0  # secret criteria
    surveyed: bool = False  # some survey criterion is published or secret
    owner: str | None = None  # the residence a criterion's value is in effect
    hidden: set[str] = field(default_factory=set)  # perimeters a criterion is hidden from


def _is_list(value: object) -> bool:
    """Whether a `hidden_from` cell read by pandas holds a list (else NULL: NA, None)."""
    return hasattr(value, "__len__") and not isinstance(value, str)


def _row(
    scale: str,
    code: str,
    year: int,
    indicator_id: str,
    value: float | None,
    status: str,
    owner: str | None,
    hidden: list[str] | None,
) -> tuple:
    """A diagnosis row: a value and its access rule only when published."""
    shown = status in PUBLISHED
    return (
        scale,
        code,
        year,
        indicator_id,
        "diagnostic",
        float(value) if shown and value is not None else None,
        status,
        owner if shown else None,
        hidden if shown else None,
    )


def _records(frame: pd.DataFrame) -> Iterator[tuple]:
    """The rows of `frame` as tuples, read column by column: `itertuples` pays a Python
    call per cell of pandas' Arrow-backed string columns (1 s of the MEL diagnosis)."""
    return zip(*(frame[name].to_numpy(dtype=object) for name in frame.columns), strict=True)


def diagnose(
    criteria: pd.DataFrame,
    method: FragilityMethod,
    epci_of: Mapping[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """The diagnosis rows (`ROW_COLUMNS`) of the criteria rows: each criterion's flag, the
    number of flags and the class of every zone or residence and survey year, against
    the values of its EPCI (`epci_of`: (scale, code) -> EPCI code; without it, the one
    EPCI of the criteria rows)."""
    criterion_of = {c.indicator_id: c for c in method.criteria}
    epci = criteria[(criteria["scale"] == "epci") & criteria["status"].isin(PUBLISHED)]
    reference = dict(
        zip(
            zip(epci["code"], epci["year"], epci["indicator_id"], strict=True),
            epci["value"],
            strict=True,
        )
    )
    only_epci = str(epci["code"].iloc[0]) if epci["code"].nunique() == 1 else None
    epci_of = epci_of or {}
    rows = criteria[criteria["scale"] != "epci"]
    flag_rows: list[tuple] = []
    tallies: dict[tuple[str, str, int], _Tally] = {}
    for scale, code, year, indicator_id, theme, value, status, owner, hidden in _records(rows):
        criterion = criterion_of[indicator_id]
        if scale not in CATALOG[criterion.flag_id].scales:
            continue
        base = reference.get((epci_of.get((scale, code), only_epci), year, indicator_id))
        known = status in PUBLISHED and value == value and value is not None
        flag_value, flag_status = None, "secret" if status == "secret" else "nd"
        if known and base is not None and base == base:
            flag_value = float(method.is_flagged(value, base, criterion.polarity))
            flag_status = status
        hidden = sorted(hidden) if _is_list(hidden) and len(hidden) else None
        flag_rows.append(
            _row(scale, code, year, criterion.flag_id, flag_value, flag_status, owner, hidden)
        )
        tally = tallies.setdefault((scale, code, year), _Tally())
        tally.flags += int(flag_value == 1.0)
        tally.unknown += int(flag_status == "secret")
        tally.surveyed |= theme == "occupation" and status != "nd"
        tally.owner = tally.owner or (owner if status == "perimeter" else None)
        tally.hidden |= set(hidden or ())
    summary_rows: list[tuple] = []
    for (scale, code, year), tally in tallies.items():
        decided = method.decided_class(tally.flags, tally.unknown) if tally.surveyed else None
        status = "nd" if not tally.surveyed else ("secret" if decided is None else "ok")
        count_status = "nd" if not tally.surveyed else ("secret" if tally.unknown else "ok")
        if tally.owner:
            status, count_status = ("perimeter" if s == "ok" else s for s in (status, count_status))
        hidden = sorted(tally.hidden) or None
        summary_rows.append(_row(scale, code, year, CLASS_ID, decided, status, tally.owner, hidden))
        summary_rows.append(
            _row(scale, code, year, FLAGS_ID, tally.flags, count_status, tally.owner, hidden)
        )
    return pd.DataFrame(flag_rows + summary_rows, columns=ROW_COLUMNS)


def append_diagnosis(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    con.register("diagnosis_frame", frame)
    con.execute(
        """
        INSERT INTO indicator_row BY NAME
        SELECT scale, code, CAST(year AS INTEGER) AS year, indicator_id, theme,
          CAST(value AS DOUBLE) AS value, status, residence_id,
          CAST(hidden_from AS VARCHAR[]) AS hidden_from
        FROM diagnosis_frame
        """
    )
    con.unregister("diagnosis_frame")


def report(frame: pd.DataFrame) -> FragilityReport:
    """The rows written, and the classes of the latest survey by scale."""
    classes = frame[frame["indicator_id"] == CLASS_ID]
    result = FragilityReport(rows=len(frame))
    if classes.empty:
        return result
    latest = classes[classes["year"] == classes["year"].max()]
    for scale, rows in latest.groupby("scale"):
        counts = Counter(
            CLASS_LABELS[int(value)] if status in PUBLISHED else status
            for value, status in zip(rows["value"], rows["status"], strict=True)
        )
        result.classes[str(scale)] = dict(sorted(counts.items()))
    return result


def run(
    con: duckdb.DuckDBPyConnection,
    method: FragilityMethod,
    links: dict[int, int],
    filosofi_years: list[int],
) -> FragilityReport:
    """Append the Filosofi context and the diagnosis to `indicator_row`."""
    create_filosofi_rows(con, sorted(links), filosofi_years)
    append_filosofi_rows(con)
    epci_of = {
        (scale, code): epci
        for scale, code, epci in con.execute(
            "SELECT scale, code, epci_code FROM zone_epci"
        ).fetchall()
    }
    frame = diagnose(read_criteria(con, method, links), method, epci_of)
    append_diagnosis(con, frame)
    return report(frame)


def prove(con: duckdb.DuckDBPyConnection, method: FragilityMethod) -> None:
    """Read the diagnosis back from `indicator_row` and check that every published class
    is the one its published flags decide whatever its hidden criteria (so it reveals
    none of them), and that no diagnosis row is shown more widely than an occupation
    value of its zone and year (owner, hidden perimeters)."""
    frame = con.execute(
        f"""
        WITH flag AS (
          SELECT *, starts_with(indicator_id, 'diagnostic.flag_') AS is_flag FROM indicator_row
          WHERE theme = 'diagnostic'
        )
        SELECT scale, code, year,
          count(*) FILTER (WHERE is_flag AND value = 1) AS flags,
          count(*) FILTER (WHERE is_flag AND status = 'secret') AS unknown,
          any_value(value) FILTER (WHERE indicator_id = '{CLASS_ID}' AND status IN
            ('ok', 'perimeter')) AS class
        FROM flag GROUP BY ALL
        """
    ).df()
    published = frame[frame["class"].notna()]
    wrong = [
        f"{scale} {code} {year}"
        for scale, code, year, flags, unknown, value in published.itertuples(index=False)
        if method.decided_class(int(flags), int(unknown)) != int(value)
    ]
    derived = [CLASS_ID, FLAGS_ID] + [
        c.flag_id for c in method.criteria if CATALOG[c.indicator_id].theme == "occupation"
    ]
    wider = con.execute(
        f"""
        WITH restriction AS (
          SELECT DISTINCT scale, code, year, residence_id, hidden_from FROM indicator_row
          WHERE theme = 'occupation' AND status = 'perimeter' OR
            theme = 'occupation' AND hidden_from IS NOT NULL
        )
        SELECT DISTINCT d.scale || ' ' || d.code || ' ' || d.year
        FROM indicator_row AS d JOIN restriction AS r USING (scale, code, year)
        WHERE d.theme = 'diagnostic' AND d.status IN ('ok', 'perimeter')
          AND d.indicator_id IN ({", ".join("?" for _ in derived)})
          AND (r.residence_id IS NOT NULL AND d.residence_id IS DISTINCT FROM r.residence_id
            OR NOT list_has_all(coalesce(d.hidden_from, []), coalesce(r.hidden_from, [])))
        """,
        derived,
    ).fetchall()
    failures = wrong + [row[0] + " (accès)" for row in wider]
    if failures:
        raise FragilityError(
            f"diagnostic : {len(failures)} classes ou critères publiés au-delà de leurs "
            f"critères ({'; '.join(failures[:5])})"
        )
