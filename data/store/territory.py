"""What the warehouse covers: its zones and residences by code, their names and places."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from data.catalog import UPPER_SCALES
from data.scope import Territory
from data.store.connection import Warehouse
from data.store.types import ZoneRef, whole_commune


class TerritoryIndex(Warehouse):
    @functools.cached_property
    def _zone_refs(self) -> dict[tuple[str, str], ZoneRef]:
        """Every zone by (scale, code), read once (a few bytes each, even for France)."""
        rows = self._cursor().execute("SELECT scale, code, name, commune_code FROM zones")
        return {(row[0], row[1]): ZoneRef(*row) for row in rows.fetchall()}

    def zone_ref(self, scale: str, code: str) -> ZoneRef | None:
        """The zone of one scale and code (name and parent commune), or None if unknown."""
        return self._zone_refs.get((scale, code))

    @functools.cached_property
    def epci(self) -> ZoneRef | None:
        """The EPCI the warehouse covers: the manifest's (its most populous when it covers
        several), read once: it never changes while serving."""
        named = str(self.manifest.get("epci", {}).get("code", ""))
        row = (
            self._cursor()
            .execute(
                "SELECT scale, code, name, commune_code FROM zones WHERE scale = 'epci' "
                "ORDER BY code = ? DESC, code LIMIT 1",
                [named],
            )
            .fetchone()
        )
        return ZoneRef(*row) if row else None

    @functools.cached_property
    def _commune_epci(self) -> dict[str, str]:
        """The EPCI of each commune, when the warehouse names it (a territory of several)."""
        cursor = self._cursor()
        columns = {row[0] for row in cursor.execute("DESCRIBE zones").fetchall()}
        if "epci_code" not in columns:
            return {}
        rows = cursor.execute("SELECT code, epci_code FROM zones WHERE scale = 'commune'")
        return dict(rows.fetchall())

    def epci_of(self, zone: ZoneRef) -> ZoneRef | None:
        """The EPCI the zone lies in (the warehouse's when it does not say)."""
        code = self._commune_epci.get(zone.commune_code or "")
        return (self.zone_ref("epci", code) if code else None) or self.epci

    @functools.cached_property
    def territory_box(self) -> tuple[float, float, float, float] | None:
        """(south, west, north, east) around every EPCI: the whole territory, or None."""
        row = (
            self._cursor()
            .execute(
                "SELECT min(min_lat), min(min_lon), max(max_lat), max(max_lon) FROM zones "
                "WHERE scale = 'epci'"
            )
            .fetchone()
        )
        return None if row is None or row[0] is None else (row[0], row[1], row[2], row[3])

    def _zone_levels(self, zone: ZoneRef) -> tuple[ZoneRef, ...]:
        """The zone, then its parent commune (when it is not the commune itself), then the
        EPCI; a département or region alone (it holds EPCIs, it lies in none)."""
        levels = [zone]
        if zone.scale in ("iris", "qpv") and zone.commune_code and not whole_commune(zone):
            commune = self.zone_ref("commune", zone.commune_code)
            if commune:
                levels.append(commune)
        epci = self.epci_of(zone)
        if epci and zone.scale not in ("epci", *UPPER_SCALES):
            levels.append(epci)
        return tuple(levels)

    @functools.cached_property
    def _iris_by_commune(self) -> dict[str, tuple[ZoneRef, ...]]:
        communes: dict[str, list[ZoneRef]] = {}
        for ref in self._zone_refs.values():
            if ref.scale == "iris" and ref.commune_code:
                communes.setdefault(ref.commune_code, []).append(ref)
        return {code: tuple(refs) for code, refs in communes.items()}

    @functools.cached_property
    def territory(self) -> Territory:
        """The names of the communes and landlords, to name a convention's perimeter."""
        landlords = (
            self._cursor()
            .execute(
                "SELECT bailleur_code, min(bailleur_name) FROM residences "
                "WHERE bailleur_code IS NOT NULL GROUP BY bailleur_code"
            )
            .fetchall()
        )
        communes = {
            code: ref.name for (scale, code), ref in self._zone_refs.items() if scale == "commune"
        }
        return Territory(communes=communes, landlords=dict(landlords))

    @functools.cached_property
    def _residence_places(self) -> dict[str, tuple[str, str]]:
        """The commune and landlord of every residence, for the perimeter of a convention."""
        rows = (
            self._cursor()
            .execute("SELECT residence_id, commune_code, bailleur_code FROM residences")
            .fetchall()
        )
        return {code: (commune, bailleur) for code, commune, bailleur in rows}

    @functools.cached_property
    def _secret_residences(self) -> frozenset[str]:
        rows = self._cursor().execute("SELECT residence_id FROM residences WHERE secret").fetchall()
        return frozenset(row[0] for row in rows)

    def residence_labels(self, residence_ids: Iterable[str]) -> dict[str, str]:
        """'Name, address' of each known residence id (the address names its commune), for
        the audit log."""
        ids = sorted(set(residence_ids))
        if not ids:
            return {}
        rows = (
            self._cursor()
            .execute(
                "SELECT residence_id, name, address, commune_code FROM residences "
                "WHERE residence_id IN (SELECT unnest(?))",
                [ids],
            )
            .fetchall()
        )
        labels = {}
        for residence_id, name, address, commune_code in rows:
            commune = self.zone_ref("commune", commune_code)
            # The address names its commune; a residence named by its address, once.
            place = address or (commune.name if commune else commune_code)
            labels[residence_id] = place if name in ("", None, address) else f"{name}, {place}"
        return labels
