"""Residences: the dwellings of one landlord at one address, grouped in DuckDB.

`create_dwelling_view` gives every RPLS row its `residence_id`; `create_residence_year`
reduces the dwellings to one row per residence and vintage in a single streaming pass
(identity, position sums and the sums of every Parc rule); `latest_residences` keeps the
last vintage of each residence for its public attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from data.catalog import SIZE_CLASSES
from data.pipeline.rules import Rule

RESIDENCE_KEY = ("siren_bailleur", "depcom", "numvoie", "indrep", "typvoie", "nomvoie")
RESIDENCE_ID_SQL = (
    "'R' || left(md5(concat_ws('|', "
    + ", ".join(f"coalesce({column}, '')" for column in RESIDENCE_KEY)
    + ")), 12)"
)
STREET_TYPES = {
    "ALL": "allée",
    "AV": "avenue",
    "BD": "boulevard",
    "CHE": "chemin",
    "CITE": "cité",
    "CRS": "cours",
    "IMP": "impasse",
    "PL": "place",
    "QUAI": "quai",
    "RES": "résidence",
    "RTE": "route",
    "RUE": "rue",
    "SQ": "square",
    "VOIE": "voie",
    "PASS": "passage",
    "SENT": "sentier",
    "PARC": "parc",
    "HAM": "hameau",
    "LOT": "lotissement",
}
REPETITION_INDEXES = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}


def create_dwelling_view(con: duckdb.DuckDBPyConnection) -> None:
    """View `dwelling`: RPLS rows of the EPCI's communes (table `epci_commune`) with ids."""
    con.execute(
        "CREATE OR REPLACE TEMP VIEW dwelling AS "
        f"SELECT rpls.*, {RESIDENCE_ID_SQL} AS residence_id FROM rpls "
        "WHERE depcom IN (SELECT code FROM epci_commune)"
    )


@dataclass(frozen=True)
class RuleSums:
    """The SQL of the rule sums: each distinct expression is summed once (`s<k>`) in an
    inner query, then exposed as `n<i>` / `d<i>` (numerator and denominator of rule i)."""

    aggregates: str
    columns: str
    temporaries: str

    def wrap(self, inner: str) -> str:
        """`inner` selects the aggregates; the result has the `n<i>`, `d<i>` columns."""
        return f"SELECT * EXCLUDE ({self.temporaries}), {self.columns} FROM ({inner})"


def rule_sums(rules: dict[str, Rule]) -> RuleSums:
    expressions: dict[str, str] = {}

    def summed(expression: str) -> str:
        return expressions.setdefault(expression, f"s{len(expressions)}")

    columns = []
    for index, rule in enumerate(rules.values()):
        columns.append(f"{summed(rule.numerator)} AS n{index}")
        columns.append(f"{summed(rule.denominator or 'NULL')} AS d{index}")
    return RuleSums(
        aggregates=",\n  ".join(f"sum({sql}) AS {name}" for sql, name in expressions.items()),
        columns=", ".join(columns),
        temporaries=", ".join(expressions.values()),
    )


def create_residence_year(con: duckdb.DuckDBPyConnection, rules: dict[str, Rule]) -> None:
    """Table `residence_year`: one row per residence and RPLS vintage."""
    sums = rule_sums(rules)
    inner = f"""
        SELECT residence_id, year, count(*) AS n_units,
          any_value(siren_bailleur) AS bailleur_code, any_value(rs_bailleur) AS bailleur_name,
          any_value(depcom) AS commune_code, any_value(libcom) AS libcom,
          any_value(codepostal) AS codepostal, any_value(numvoie) AS numvoie,
          any_value(indrep) AS indrep, any_value(typvoie) AS typvoie,
          any_value(nomvoie) AS nomvoie, mode(nomprog) AS nomprog,
          mode(iris_code) AS iris_declared, avg(x) AS x, avg(y) AS y,
          min(construct) AS construction_year,
          {sums.aggregates}
        FROM dwelling
        GROUP BY residence_id, year
        """
    con.execute(f"CREATE OR REPLACE TEMP TABLE residence_year AS {sums.wrap(inner)}")


def latest_residences(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The last vintage of each residence, with the first and last years it is present."""
    return con.execute(
        """
        SELECT residence_id, bailleur_code, bailleur_name, commune_code, libcom, codepostal,
          numvoie, indrep, typvoie, nomvoie, nomprog, iris_declared, x, y,
          construction_year, n_units AS n_dwellings, first_year, last_year
        FROM (
          SELECT *, max(year) OVER w AS last_year, min(year) OVER w AS first_year
          FROM residence_year
          WINDOW w AS (PARTITION BY residence_id)
        )
        WHERE year = last_year
        ORDER BY residence_id
        """
    ).df()


def size_class(n_dwellings: int) -> str:
    """The code of the size class (data/catalog.py) of a residence with these dwellings."""
    return next(c.code for c in SIZE_CLASSES if c.upper is None or n_dwellings < c.upper)


def street_address(row: Mapping[str, object]) -> str:
    """'12 bis rue Jean Lebas, 59100 Roubaix' from the RPLS address fields."""
    number = " ".join(
        part
        for part in (
            _text(row["numvoie"]),
            REPETITION_INDEXES.get(_text(row["indrep"]).upper(), _text(row["indrep"]).lower()),
        )
        if part
    )
    street_type = _text(row["typvoie"])
    street = " ".join(
        part
        for part in (
            number,
            STREET_TYPES.get(street_type.upper(), street_type.lower()),
            _text(row["nomvoie"]),
        )
        if part
    )
    town = " ".join(part for part in (_text(row["codepostal"]), _text(row["libcom"])) if part)
    return ", ".join(part for part in (street, town) if part)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()
