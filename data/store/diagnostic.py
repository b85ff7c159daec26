"""The fragility diagnosis of a zone or residence, and the rankings by fragility, as a
scope may see them.

A diagnosis is read for one survey (the latest OPS vintage up to the chosen year): its
class and flags, and each criterion's value beside the EPCI's at the vintages the
pipeline compared (a parc criterion at the RPLS vintage linked to the survey), so that
the sheet shows exactly what the class was computed from.
"""

from __future__ import annotations

import functools
from bisect import bisect_left

from data.catalog import CATALOG, ZONE_SCALES
from data.diagnostic import CLASS_ID, FLAGS_ID, METHOD
from data.scope import AccessScope
from data.store.rows import IndicatorRows
from data.store.types import (
    NOT_AVAILABLE,
    CodeRow,
    CriterionLine,
    Diagnosis,
    Measure,
    RankedFragility,
    ZoneRef,
)
from data.vintages import link_years

THEME = "diagnostic"
# The indicators a diagnosis reads, sorted for `_rows_of` (a zone has hundreds of rows).
DIAGNOSIS_IDS = tuple(
    sorted(
        {CLASS_ID, FLAGS_ID}
        | {criterion.indicator_id for criterion in METHOD.criteria}
        | {criterion.flag_id for criterion in METHOD.criteria}
    )
)


class Diagnoses(IndicatorRows):
    def preload_diagnoses(self) -> None:
        """Read at start what the fragility sections need, so that a first view costs no
        query (~0.6 s on the demo otherwise)."""
        _ = self._survey_years, self._survey_links, self._residence_classes
        _ = self._residence_names, self._residence_places, self._secret_residences
        _ = self._public_places

    @functools.cached_property
    def _survey_links(self) -> dict[int, int]:
        """The RPLS vintage of each OPS survey, as the pipeline linked them."""
        vintages = self.manifest.get("vintages", {})
        return link_years(vintages.get("ops", []), vintages.get("rpls", []))

    @functools.cached_property
    def _survey_years(self) -> tuple[int, ...]:
        """The OPS surveys diagnosed, oldest first."""
        rows = (
            self._cursor()
            .execute(
                "SELECT DISTINCT year FROM indicators WHERE indicator_id = ? ORDER BY year",
                [CLASS_ID],
            )
            .fetchall()
        )
        return tuple(year for (year,) in rows)

    def _diagnosis_rows(self, scale: str, code: str, scope: AccessScope) -> tuple[CodeRow, ...]:
        """The rows of a zone or residence, or none when the scope may not see its
        diagnosis (the theme not granted; a residence outside the perimeter)."""
        if not scope.grants(THEME):
            return ()
        if scale not in ZONE_SCALES:
            place = self._residence_places.get(code)
            if place is None or not scope.sees_residence_values(THEME, *place):
                return ()
            if code in self._secret_residences:
                return ()
        return self._code_rows(scale, code, scope)

    def diagnosis(
        self, scale: str, code: str, year: int | None, scope: AccessScope
    ) -> Diagnosis | None:
        """The diagnosis of the latest survey up to `year`; None when the scope may not
        see it or there is none."""
        rows = _rows_of(self._diagnosis_rows(scale, code, scope), DIAGNOSIS_IDS)
        history = tuple(
            Measure(value, status, vintage)
            for indicator_id, _, vintage, value, status in rows
            if indicator_id == CLASS_ID
        )
        limit = year if year is not None else 9999
        shown = [
            measure for measure in history if measure.year is not None and measure.year <= limit
        ]
        if not shown:
            return None
        survey = shown[-1].year
        assert survey is not None
        epci = self.epci
        reference_rows = (
            _rows_of(self._code_rows("epci", epci.code, scope), DIAGNOSIS_IDS) if epci else ()
        )
        own = _by_key(rows)
        reference = _by_key(reference_rows)
        lines = []
        for criterion in METHOD.criteria:
            if scale not in CATALOG[criterion.flag_id].scales:
                continue
            theme = CATALOG[criterion.indicator_id].theme
            vintage = self._survey_links.get(survey, survey) if theme == "parc" else survey
            source_rows = own if scope.grants(theme) else {}
            lines.append(
                CriterionLine(
                    criterion,
                    source_rows.get((criterion.indicator_id, vintage), NOT_AVAILABLE),
                    reference.get((criterion.indicator_id, vintage), NOT_AVAILABLE)
                    if scope.grants(theme)
                    else NOT_AVAILABLE,
                    own.get((criterion.flag_id, survey), NOT_AVAILABLE),
                )
            )
        earlier = shown[:-1]
        return Diagnosis(
            survey_year=survey,
            fragility_class=shown[-1],
            previous_class=earlier[-1] if earlier else None,
            flags=own.get((FLAGS_ID, survey), NOT_AVAILABLE),
            criteria=tuple(lines),
            history=history,
        )

    def fragility_ranking(
        self, zones: list[ZoneRef], year: int | None, scope: AccessScope
    ) -> list[RankedFragility]:
        """The zones (or residences) of one scale with a published class, the most fragile
        first (class, then number of flags), at the latest survey up to `year`."""
        surveys = [vintage for vintage in self._survey_years if year is None or vintage <= year]
        if not zones or not surveys or not scope.grants(THEME):
            return []
        survey = surveys[-1]
        scale = zones[0].scale
        if scale in ZONE_SCALES:
            found = {zone.code: self._zone_classes(scale, zone.code, scope) for zone in zones}
        else:
            classes = self._residence_classes
            found = {zone.code: classes.get((zone.code, survey), {}) for zone in zones}
        ranked = []
        for zone in zones:
            rows = found.get(zone.code, {})
            fragility_class = rows.get((CLASS_ID, survey), NOT_AVAILABLE)
            if fragility_class.value is None:
                continue
            ranked.append(
                RankedFragility(zone, fragility_class, rows.get((FLAGS_ID, survey), NOT_AVAILABLE))
            )
        return sorted(
            ranked,
            key=lambda item: (
                -(item.fragility_class.value or 0),
                -(item.flags.value if item.flags.value is not None else -1),
                item.zone.name,
            ),
        )

    def _zone_classes(
        self, scale: str, code: str, scope: AccessScope
    ) -> dict[tuple[str, int], Measure]:
        """A zone's classes and numbers of flags as the scope sees them (only these rows
        are scoped: a ranking reads hundreds of zones)."""
        rows = _rows_of(self._zone_rows.get((scale, code), ()), (CLASS_ID, FLAGS_ID))
        owners = self._zone_owners.get((scale, code), {})
        denials = self._zone_denials.get((scale, code), {})
        if owners or denials:
            rows = tuple(self._scoped(row, owners, denials, scope) for row in rows)
        return _by_key(rows)

    @functools.cached_property
    def _residence_classes(self) -> dict[tuple[str, int], dict[tuple[str, int], Measure]]:
        """The class and number of flags of every residence and survey, read once (the
        caller checks the scope sees the residence)."""
        rows = (
            self._cursor()
            .execute(
                "SELECT code, indicator_id, year, value, status FROM indicators "
                "WHERE scale = 'residence' AND indicator_id IN (?, ?)",
                [CLASS_ID, FLAGS_ID],
            )
            .fetchall()
        )
        found: dict[tuple[str, int], dict[tuple[str, int], Measure]] = {}
        for code, indicator_id, year, value, status in rows:
            found.setdefault((code, year), {})[(indicator_id, year)] = Measure(value, status, year)
        return found

    @functools.cached_property
    def _residence_names(self) -> dict[str, str]:
        """Each residence's name, with its address when the name is not it (several
        residences share a name)."""
        rows = (
            self._cursor().execute("SELECT residence_id, name, address FROM residences").fetchall()
        )
        return {
            rid: name if name == address else f"{name}, {address}" for rid, name, address in rows
        }

    def residence_place(self, residence_id: str) -> tuple[str, str] | None:
        """The commune and landlord of a residence, to tell why its diagnosis is hidden."""
        return self._residence_places.get(residence_id)

    def qpv_of_commune(self, commune_code: str) -> list[ZoneRef]:
        """The QPV whose main commune is `commune_code` (all of them for the EPCI's code)."""
        every = [ref for (scale, _), ref in self._zone_refs.items() if scale == "qpv"]
        epci = self.epci
        if epci and commune_code == epci.code:
            return every
        return [ref for ref in every if ref.commune_code == commune_code]

    def iris_of(self, commune_code: str) -> list[ZoneRef]:
        """The IRIS of a commune (all of them for the EPCI's code)."""
        epci = self.epci
        if epci and commune_code == epci.code:
            return [ref for refs in self._iris_by_commune.values() for ref in refs]
        return list(self._iris_by_commune.get(commune_code, ()))

    @functools.cached_property
    def _public_places(self) -> dict[str | None, tuple[tuple[str, tuple[str, str]], ...]]:
        """The residences that are not secret with their commune and landlord, by commune,
        and all of them under None (a commune's sheet reads its own, not every one)."""
        places: dict[str | None, list[tuple[str, tuple[str, str]]]] = {None: []}
        for residence_id, place in self._residence_places.items():
            if residence_id not in self._secret_residences:
                places[None].append((residence_id, place))
                places.setdefault(place[0], []).append((residence_id, place))
        return {commune: tuple(items) for commune, items in places.items()}

    def residences_seen(self, commune_code: str, scope: AccessScope) -> list[ZoneRef]:
        """The residences of a commune (or of the EPCI) whose diagnosis the scope sees."""
        epci = self.epci
        whole = epci is not None and commune_code == epci.code
        names = self._residence_names
        return [
            ZoneRef("residence", residence_id, names[residence_id], place[0])
            for residence_id, place in self._public_places.get(None if whole else commune_code, ())
            if scope.sees_residence_values(THEME, *place)
        ]


def _rows_of(rows: tuple[CodeRow, ...], indicator_ids: tuple[str, ...]) -> tuple[CodeRow, ...]:
    """The rows of some indicators (rows come sorted by indicator, then year)."""
    found: list[CodeRow] = []
    for indicator_id in indicator_ids:
        index = bisect_left(rows, (indicator_id,))
        while index < len(rows) and rows[index][0] == indicator_id:
            found.append(rows[index])
            index += 1
    return tuple(found)


def _by_key(rows: tuple[CodeRow, ...]) -> dict[tuple[str, int], Measure]:
    return {
        (indicator_id, vintage): Measure(value, status, vintage)
        for indicator_id, _, vintage, value, status in rows
    }
