"""The residence sheet: a residence's description and figures beside its zones, as a
scope may see them."""

from __future__ import annotations

from data.scope import AccessScope
from data.store.rows import IndicatorRows
from data.store.types import ResidenceSheet, ZoneRef, whole_commune


class ResidenceSheets(IndicatorRows):
    def residence_sheet(
        self, residence_id: str, year: int | None, scope: AccessScope
    ) -> ResidenceSheet | None:
        """A residence's description and published indicators beside its IRIS, commune and
        EPCI. Occupation values are read only when the convention grants the dataset and
        covers the residence; otherwise `occupation` stays empty and `occupation_access`
        says why.

        Without the 'parc' dataset the sheet keeps only what identifies the residence (name,
        address, landlord, zones, and the size class the map shows every signatory): no
        dwellings, construction year, RPLS presence nor parc indicator. A secret residence
        has none of them either: its first and last RPLS vintages would tell when a small
        residence was built or demolished."""
        row = (
            self._cursor()
            .execute(
                """
                SELECT residence_id, name, address, commune_code, iris_code, qpv_code,
                       bailleur_code, bailleur_name, size_class, secret, n_dwellings,
                       construction_year, first_year, last_year
                FROM residences WHERE residence_id = ?
                """,
                [residence_id],
            )
            .fetchone()
        )
        if row is None:
            return None
        (rid, name, address, commune_code, iris_code, qpv_code, bailleur_code,
         bailleur_name, size_class, secret, n_dwellings, construction_year,
         first_year, last_year) = row  # fmt: skip
        commune = self.zone_ref("commune", commune_code)
        iris = self.zone_ref("iris", iris_code) if iris_code else None
        qpv = self.zone_ref("qpv", qpv_code) if qpv_code else None
        epci = self.epci
        residence = ZoneRef("residence", rid, name, commune_code)
        # The single IRIS of an unsplit commune is the commune itself: one column is enough.
        iris_level = None if iris is None or whole_commune(iris) else iris
        levels = tuple(level for level in (residence, iris_level, commune, epci) if level)
        themes = scope.residence_themes(commune_code, bailleur_code)
        measures = {} if secret else self._latest_measures(levels, year, themes, scope)
        parc_granted = scope.describes_residences
        described = parc_granted and not secret
        return ResidenceSheet(
            residence_id=rid,
            name=name,
            address=address,
            commune=commune,
            iris=iris,
            qpv=qpv,
            bailleur_code=bailleur_code,
            bailleur_name=bailleur_name,
            size_class=size_class,
            secret=bool(secret),
            n_dwellings=n_dwellings if described else None,
            construction_year=construction_year if described else None,
            first_year=first_year if described else None,
            last_year=last_year if described else None,
            levels=levels,
            measures=measures,
            occupation_access=scope.occupation_access(commune_code, bailleur_code),
            parc_granted=parc_granted,
        )
