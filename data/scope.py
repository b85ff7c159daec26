"""What a convention lets its users see, as the data layer applies it to every query.

`auth` builds an `AccessScope` on the server from the logged-in user's convention, never
from what the browser sends, and hands it to the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Partner types that see every residence of the territory.
WHOLE_TERRITORY_TYPES = frozenset({"mel", "etat", "departement", "urh", "action_logement"})
# Partner types that see the residences of their perimeter only: communes (INSEE codes)
# and landlords (their codes). Their perimeter is never empty; if it is (a convention of
# an older database), they see no residence at all: access fails closed.
PERIMETER_TYPES = frozenset({"commune", "bailleur"})


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

    @property
    def perimeter_missing(self) -> bool:
        """A commune or landlord convention that names no perimeter: it sees no residence."""
        if self.partner_type == "commune":
            return not self.communes
        if self.partner_type == "bailleur":
            return not self.bailleurs
        return False

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

    def may_see_residence_occupation(self, commune_code: str, bailleur_code: str) -> bool:
        return self.grants("occupation") and self.covers_residence(commune_code, bailleur_code)


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
