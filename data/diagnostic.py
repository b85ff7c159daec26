"""The fragility diagnosis: its criteria, flags and classes, written once.

A criterion is a published indicator of a zone or residence compared with the EPCI's
value of the same vintage. It is flagged when the value is at least `ratio` times the
EPCI's (criteria where high is unfavourable) or at most 1/`ratio` times it (where low is
unfavourable). The class follows from the number of flags (`watch_from`, `fragile_from`).
The pipeline
(`data.pipeline.fragility`) computes them, the catalogue names them, the sheets and the
method text show them: all from `METHOD`.

Secrecy: a flag exists only where its criterion's value and the EPCI's are published. A
class is published only when the published flags decide it whatever the hidden
criteria would say (`decided_class`): a class is a function of published values only,
so it reveals nothing that is hidden; otherwise it is "Secret".
"""

from __future__ import annotations

from dataclasses import dataclass

# The class codes stored in the warehouse (`diagnostic.class`), from the least fragile.
BALANCED, WATCH, FRAGILE = 0, 1, 2
CLASS_LABELS = ("Équilibrée", "À surveiller", "Fragile")
FLAG_LABELS = ("Non signalé", "Signalé")


@dataclass(frozen=True)
class Criterion:
    name: str  # `diagnostic.flag_<name>`
    indicator_id: str  # the published indicator it compares with the EPCI's
    polarity: int  # +1: flagged when high; -1: flagged when low
    label: str  # French, as the sheets list it

    @property
    def flag_id(self) -> str:
        return f"diagnostic.flag_{self.name}"


@dataclass(frozen=True)
class FragilityMethod:
    criteria: tuple[Criterion, ...]
    ratio: float = 1.2
    # The least number of flags of "À surveiller" and of "Fragile".
    watch_from: int = 2
    fragile_from: int = 4

    def is_flagged(self, value: float, reference: float, polarity: int) -> bool:
        """Whether a value is flagged against the EPCI's `reference`."""
        if polarity > 0:
            return value >= self.ratio * reference
        return value * self.ratio <= reference

    def class_of(self, flags: int) -> int:
        """The class of a number of flags."""
        if flags >= self.fragile_from:
            return FRAGILE
        if flags >= self.watch_from:
            return WATCH
        return BALANCED

    def decided_class(self, flags: int, unknown: int) -> int | None:
        """The class when `flags` criteria are flagged among the published ones and
        `unknown` criteria are hidden: the class if every value of the hidden ones gives
        the same, else None ("Secret")."""
        low, high = self.class_of(flags), self.class_of(flags + unknown)
        return low if low == high else None

    def manifest(self) -> dict:
        return {
            "ratio": self.ratio,
            "classes": {
                CLASS_LABELS[BALANCED]: f"0 à {self.watch_from - 1} critère(s) signalé(s)",
                CLASS_LABELS[WATCH]: f"{self.watch_from} à {self.fragile_from - 1}",
                CLASS_LABELS[FRAGILE]: f"{self.fragile_from} ou plus",
            },
            "criteria": {
                c.name: {"indicator": c.indicator_id, "polarity": c.polarity} for c in self.criteria
            },
        }


METHOD = FragilityMethod(
    criteria=(
        Criterion("income_below_40", "occupation.income_below_40", +1, "Revenus < 40 % PLUS"),
        Criterion("income_below_20", "occupation.income_below_20", +1, "Revenus < 20 % PLUS"),
        Criterion("single_parent", "occupation.single_parent", +1, "Familles monoparentales"),
        Criterion(
            "no_adult_employed",
            "occupation.no_adult_employed",
            +1,
            "Ménages sans adulte en emploi",
        ),
        Criterion("apl", "occupation.apl_share", +1, "Bénéficiaires d'une aide au logement"),
        Criterion("large_family", "occupation.large_family", +1, "Familles nombreuses"),
        Criterion(
            "young_holder", "occupation.holder_under_30", +1, "Titulaires de moins de 30 ans"
        ),
        Criterion("newcomers", "occupation.newcomers", +1, "Emménagés récents"),
        Criterion("vacancy", "parc.vacancy_rate_offered", +1, "Vacance"),
        Criterion("mobility", "parc.move_in_rate", +1, "Mobilité"),
        Criterion("poverty", "diagnostic.poverty_rate", +1, "Taux de pauvreté (Filosofi)"),
        Criterion("median_income", "diagnostic.median_income", -1, "Revenu médian (Filosofi)"),
    )
)
CLASS_ID = "diagnostic.class"
FLAGS_ID = "diagnostic.flags"
POVERTY_ID = "diagnostic.poverty_rate"
MEDIAN_INCOME_ID = "diagnostic.median_income"
# The Filosofi context, published by IRIS (and its EPCI reference).
FILOSOFI_IDS = (POVERTY_ID, MEDIAN_INCOME_ID)


def method_text(method: FragilityMethod = METHOD) -> list[str]:
    """The method in French, paragraph by paragraph, as the map and the README state it."""
    ratio = f"{method.ratio:g}".replace(".", ",")
    criteria = ", ".join(criterion.label.lower() for criterion in method.criteria)
    return [
        "Chaque résidence et chaque zone (IRIS, QPV, commune) est comparée à l'EPCI "
        f"pour chaque enquête OPS, sur {len(method.criteria)} critères : {criteria}. La "
        "vacance et la mobilité sont celles du RPLS rattaché à l'enquête ; la pauvreté et le "
        "revenu médian (Filosofi) ne sont connus que par IRIS, comparés à la médiane des "
        "IRIS de l'EPCI.",
        f"Un critère est signalé quand sa valeur atteint {ratio} fois celle de l'EPCI, "
        "ou, pour le revenu médian, quand elle n'en dépasse pas 1/{ratio}.",
        f"Classe : {CLASS_LABELS[BALANCED]} de 0 à {method.watch_from - 1} critère signalé, "
        f"{CLASS_LABELS[WATCH]} de {method.watch_from} à {method.fragile_from - 1}, "
        f"{CLASS_LABELS[FRAGILE]} à partir de {method.fragile_from}. Un critère non "
        "disponible n'est pas signalé ; « Non disponible » : aucune donnée d'enquête.",
        "« Secret » : un critère caché par le secret statistique pourrait changer la classe "
        "(toujours le cas d'une résidence dont les ménages enquêtés sont moins nombreux que "
        "le seuil du secret). Une classe "
        "publiée se recalcule donc avec les seuls critères affichés.",
        "Évolution : la classe de l'enquête précédente ; « fragilisation » quand la classe "
        "monte, « amélioration » quand elle descend.",
    ]
