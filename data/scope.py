"""What a convention lets its users see: the access rule, written once, that every query
of the store applies.

- A theme's values (zone or residence) need the convention's dataset of that theme.
- Residence-level values of a perimeter theme (occupation) are shown only for the
  residences of the convention's perimeter; so is a zone value that is in effect one
  residence's (the pipeline marks it with the status 'perimeter'), and a zone value is
  hidden from the perimeters that could take their own residences out of it and read
  another's (the pipeline lists them in `hidden_from`).
- Residences are described (dwellings, construction year, the lists of a zone) with the
  parc dataset.

`auth` builds an `AccessScope` on the server from the logged-in user's convention, never
from what the browser sends, and hands it to the store.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from data.catalog import THEMES

# Partner types that see every residence of the territory.
WHOLE_TERRITORY_TYPES = frozenset({"mel", "etat", "departement", "urh", "action_logement"})
# Partner types that see the residences of their perimeter only: communes (INSEE codes)
# and landlords (their codes). Their perimeter is never empty; if it is (a convention of
# an older database), they see no residence at all: access fails closed.
PERIMETER_TYPES = frozenset({"commune", "bailleur"})
# Themes whose residence-level values only the convention's perimeter sees: occupation,
# and the fragility diagnosis derived from it.
PERIMETER_THEMES = frozenset({"occupation", "diagnostic"})
# The dataset that describes residences.
DESCRIPTION_THEME = "parc"

# Whether a residence sheet shows occupation, and why not (`AccessScope.occupation_access`).
OCCUPATION_GRANTED = "granted"
OCCUPATION_NOT_GRANTED = "dataset_not_granted"
OCCUPATION_OUT_OF_PERIMETER = "out_of_perimeter"


def perimeter_key(kind: str, code: str) -> str:
    """One commune's or one landlord's perimeter, as the pipeline names it: 'commune:59512',
    'bailleur:900000002'."""
    return f"{kind}:{code}"


def combined_key(keys: Iterable[str]) -> str:
    """A perimeter made of several communes or landlords, checked by the pipeline as a
    whole: its single keys in order, joined by '+'."""
    return "+".join(sorted(keys))


def varies_with_perimeter(scale: str, theme: str) -> bool:
    """Whether the values of `theme` at `scale` differ from one perimeter to another
    (besides the zone values that are in effect one residence's)."""
    return scale == "residence" and theme in PERIMETER_THEMES


@dataclass(frozen=True)
class AccessScope:
    convention_number: str
    partner_name: str
    partner_type: str
    datasets: frozenset[str]
    communes: frozenset[str] = frozenset()
    bailleurs: frozenset[str] = frozenset()

    def grants(self, dataset: str) -> bool:
        return dataset in self.datasets

    def granted_themes(self) -> tuple[str, ...]:
        """The catalogue's themes the convention's datasets open, in display order."""
        return tuple(theme for theme in THEMES if self.grants(theme))

    @property
    def describes_residences(self) -> bool:
        """Whether residences are described: dwellings, construction year, RPLS vintages
        and the residences of a zone."""
        return self.grants(DESCRIPTION_THEME)

    @property
    def perimeter_missing(self) -> bool:
        """A commune or landlord convention that names no perimeter: it sees no residence."""
        if self.partner_type == "commune":
            return not self.communes
        if self.partner_type == "bailleur":
            return not self.bailleurs
        return False

    @functools.cached_property
    def perimeter_keys(self) -> frozenset[str]:
        """The perimeters a zone value hidden from one of them (`hidden_from`) is hidden
        from: each commune or landlord of the convention's perimeter ('commune:59512',
        'bailleur:900000002'), and their `combined_perimeter` when there are several.
        Whole-territory conventions have none."""
        singles = self.single_perimeters
        combined = self.combined_perimeter
        return singles | {combined} if combined else singles

    @functools.cached_property
    def combined_perimeter(self) -> str | None:
        """The key of a perimeter of several communes or landlords (together they can take
        more residences out of a zone than each alone), None for one or none."""
        singles = self.single_perimeters
        return combined_key(singles) if len(singles) > 1 else None

    @functools.cached_property
    def single_perimeters(self) -> frozenset[str]:
        """The convention's communes or landlords, each as a perimeter key."""
        if self.partner_type == "commune":
            return frozenset(perimeter_key("commune", code) for code in self.communes)
        if self.partner_type == "bailleur":
            return frozenset(perimeter_key("bailleur", code) for code in self.bailleurs)
        return frozenset()

    def covers_residence(self, commune_code: str, bailleur_code: str) -> bool:
        """True when residence-level occupation of this residence may be shown: everything
        for the whole-territory partners, the named communes or landlord codes for the
        others (none when the perimeter is empty), nothing for an unknown partner type."""
        if self.partner_type in WHOLE_TERRITORY_TYPES:
            return True
        if self.partner_type == "commune":
            return commune_code in self.communes
        if self.partner_type == "bailleur":
            return bailleur_code in self.bailleurs
        return False

    def sees_residence_values(self, theme: str, commune_code: str, bailleur_code: str) -> bool:
        """Whether a residence's values of `theme` may be shown (and a zone value that is
        in effect this residence's): the theme granted and, for a perimeter theme, the
        residence inside the perimeter."""
        return self.grants(theme) and (
            theme not in PERIMETER_THEMES or self.covers_residence(commune_code, bailleur_code)
        )

    def residence_themes(self, commune_code: str, bailleur_code: str) -> tuple[str, ...]:
        """The themes of a residence's values this scope sees, in display order."""
        return tuple(
            theme
            for theme in self.granted_themes()
            if self.sees_residence_values(theme, commune_code, bailleur_code)
        )

    def occupation_access(self, commune_code: str, bailleur_code: str) -> str:
        """Whether a residence's occupation is shown (`OCCUPATION_GRANTED`), else why not."""
        if not self.grants("occupation"):
            return OCCUPATION_NOT_GRANTED
        if not self.covers_residence(commune_code, bailleur_code):
            return OCCUPATION_OUT_OF_PERIMETER
        return OCCUPATION_GRANTED


@dataclass(frozen=True)
class Territory:
    """The names of the communes and landlords of the warehouse, to name a perimeter (the
    store builds it: `Store.territory`)."""

    communes: Mapping[str, str] = field(default_factory=dict)
    landlords: Mapping[str, str] = field(default_factory=dict)

    def names(self, partner_type: str) -> Mapping[str, str]:
        return self.landlords if partner_type == "bailleur" else self.communes

    def unknown_codes(self, partner_type: str, codes: Iterable[str]) -> list[str]:
        """The codes of a commune or landlord perimeter that the warehouse does not know."""
        if partner_type not in PERIMETER_TYPES:
            return []
        known = self.names(partner_type)
        return sorted(code for code in codes if code not in known)
