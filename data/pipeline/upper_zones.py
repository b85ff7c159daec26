"""Zones above the EPCI (départements, regions): published only as sums of published parts.

The secrecy tree and its audits stop at the EPCI (`secrecy.py`: epci > commune > iris).
A département or a region is not added to them: each of its values is published only
where it is, exactly, a sum of values already published, so that it adds no equation the
audits have not checked. Its parts are the EPCIs wholly inside it and the communes of the
other EPCIs that reach into it (or of no EPCI); its value for a theme, vintage and
indicator is published when every part's value is published to every signatory (status
`ok`, or `nd` for a share over nothing), and hidden (`secret`) otherwise:

    count(dep) = sum of count(part)              counts: a sum of published values
    share(dep) = sum of n(part) / sum of d(part) shares: their parts' own sums

A share's numerator and denominator are those of its parts, whose shares are published:
the zone's share involves only totals of whole published zones (EPCIs and communes, the
scales at which the SDES publishes them, `shares.PUBLIC_SCALES`), never a residence.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from data.pipeline.proof import DisclosureError
from data.pipeline.zones import UPPER_LEVELS

PART_COLUMNS = ["scale", "code", "part_scale", "part_code"]
PUBLISHED_STATUSES = ("ok", "nd")


def zone_parts(communes: pd.DataFrame, scales: set[str]) -> pd.DataFrame:
    """(scale, code, part_scale, part_code): the parts of every zone above the EPCI of
    `scales`: the EPCIs wholly inside it, then the communes of the other EPCIs."""
    frames = []
    for scale, column in UPPER_LEVELS.items():
        if scale not in scales:
            continue
        zone_count = communes.groupby("epci_code")[column].nunique()
        whole = set(zone_count[zone_count == 1].index) - {""}
        in_whole = communes["epci_code"].isin(whole)
        epcis = communes.loc[in_whole, [column, "epci_code"]].drop_duplicates()
        frames.append(
            pd.DataFrame(
                {"code": epcis[column], "part_scale": "epci", "part_code": epcis["epci_code"]}
            ).assign(scale=scale)
        )
        rest = communes.loc[~in_whole, [column, "code"]]
        frames.append(
            pd.DataFrame(
                {"code": rest[column], "part_scale": "commune", "part_code": rest["code"]}
            ).assign(scale=scale)
        )
    if not frames:
        return pd.DataFrame(columns=PART_COLUMNS)
    parts = pd.concat(frames, ignore_index=True)[PART_COLUMNS]
    return parts.sort_values(PART_COLUMNS).reset_index(drop=True)


def register_parts(con: duckdb.DuckDBPyConnection, parts: pd.DataFrame) -> None:
    """Table `upper_part`: what `zone_parts` returns."""
    con.register("upper_part_frame", parts.astype(str))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE upper_part AS "
        f"SELECT {', '.join(PART_COLUMNS)} FROM upper_part_frame"
    )
    con.unregister("upper_part_frame")


def _unpublished_sql() -> str:
    """The (scale, code, year, indicator_id) of zone values above the EPCI one of whose
    parts is not published to every signatory, or has no value at all."""
    statuses = ", ".join(f"'{status}'" for status in PUBLISHED_STATUSES)
    return f"""
        SELECT z.scale, z.code, z.year, z.indicator_id
        FROM indicator_row AS z
        JOIN upper_part AS p ON p.scale = z.scale AND p.code = z.code
        LEFT JOIN indicator_row AS r
          ON r.scale = p.part_scale AND r.code = p.part_code AND r.year = z.year
         AND r.indicator_id = z.indicator_id
        GROUP BY ALL
        HAVING bool_or(r.status IS NULL OR r.status NOT IN ({statuses})
                       OR r.hidden_from IS NOT NULL)
    """


def hide_unpublished_sums(con: duckdb.DuckDBPyConnection) -> int:
    """Hide, in `indicator_row`, every zone value above the EPCI that is not a sum of
    published values; returns how many."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE upper_hidden AS {_unpublished_sql()}")
    con.execute(
        """
        UPDATE indicator_row AS z
        SET value = NULL, status = 'secret', residence_id = NULL, hidden_from = NULL
        FROM upper_hidden AS h
        WHERE z.scale = h.scale AND z.code = h.code AND z.year = h.year
          AND z.indicator_id = h.indicator_id
        """
    )
    return int(con.execute("SELECT count(*) FROM upper_hidden").fetchall()[0][0])


def prove(con: duckdb.DuckDBPyConnection) -> None:
    """Fail the build if a zone value above the EPCI is published while one of its parts
    is not (the rule above, checked on the warehouse's own rows)."""
    rows = con.execute(
        f"SELECT u.* FROM ({_unpublished_sql()}) AS u JOIN indicator_row AS z "
        "USING (scale, code, year, indicator_id) WHERE z.status <> 'secret' LIMIT 5"
    ).fetchall()
    if rows:
        raise DisclosureError(
            "zones au-dessus de l'EPCI : valeurs publiées dont une partie est cachée : "
            + ", ".join(
                f"{scale}:{code} {year} {indicator}" for scale, code, year, indicator in rows
            )
        )
