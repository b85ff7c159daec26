"""The French words of the panel and the comparison, and which indicators they show."""

from __future__ import annotations

from dataclasses import dataclass

from data.catalog import SCALE_NAMES, SIZE_CLASSES
from layouts.map_state import MAX_PINNED

SIZE_CLASS_LABELS = {size.code: size.label for size in SIZE_CLASSES}
OCCUPATION_OUT_OF_PERIMETER_TEXT = "Votre convention ne couvre pas l'occupation de cette résidence."
ZONE_TELLING_RESIDENCES_TEXT = (
    "« Hors périmètre » : cette valeur d'occupation, seule ou moins les résidences de "
    "votre périmètre, dirait l'occupation de résidences que votre convention ne couvre "
    "pas : elle serait en fait celle d'une seule résidence (les autres y comptent trop peu "
    "de ménages), ou elle donnerait à quelques ménages près ceux de chaque résidence (leurs "
    "logements publiés en laissent trop peu sans ménage enquêté) ; elle suit la règle de "
    "ces résidences."
)
OCCUPATION_NOT_GRANTED_TEXT = "Votre convention ne donne pas accès aux données d'occupation."
PARC_NOT_GRANTED_TEXT = "Votre convention ne donne pas accès aux données du parc (RPLS)."
NO_SELECTION_TEXT = (
    "Cliquez sur une zone ou une résidence de la carte, ou cherchez-la, pour afficher sa fiche."
)
UNKNOWN_SELECTION_TEXT = "Cette zone ou cette résidence n'existe pas dans les données."
PIN_LIMIT_TEXT = (
    f"Vous comparez déjà {MAX_PINNED} zones : retirez-en une avant d'en épingler une autre."
)
PIN_TEXT = "Épingler pour comparer"
UNPIN_TEXT = "Retirer de la comparaison"
COMPARE_EMPTY_TEXT = (
    f"Épinglez jusqu'à {MAX_PINNED} zones depuis leur fiche pour comparer leurs chiffres clés."
)


def secret_residence_text(threshold: int) -> str:
    """Why a residence shows no value. One wording for every secret residence: telling a
    small residence from one hidden to protect another would bound its dwellings."""
    return (
        f"Secret statistique : ses valeurs décriraient moins de {threshold} logements ou "
        f"ménages, ou permettraient de retrouver celles d'une résidence de moins de "
        f"{threshold} logements."
    )


def scale_name(scale: str) -> str:
    """The full name of a scale, shown beside a zone's own name."""
    names = SCALE_NAMES.get(scale)
    return names.full if names else scale


def level_name(scale: str, name: str) -> str:
    """A column header: "Résidence", the EPCI by its short name, other zones by their own."""
    if scale == "residence":
        return scale_name("residence")
    return "MEL" if scale == "epci" and name.startswith("Métropole Européenne de Lille") else name


@dataclass(frozen=True)
class ChartGroup:
    """A small chart of the panel: indicators sharing one denominator, with short labels."""

    title: str
    theme: str
    categories: tuple[tuple[str, str], ...]


# Figures shown as rows of the key-figure tables, in this order, where the scale has them.
KEY_FIGURES = (
    "parc.dwellings",
    "parc.social_share",
    "parc.qpv_share",
    "parc.vacancy_rate_offered",
    "parc.vacancy_over_3_months_rate",
    "parc.move_in_rate",
    "parc.rent_per_habitable_m2",
    "parc.mean_age",
    "parc.dpe_efg_share",
    "occupation.households",
    "occupation.single_person",
    "occupation.single_parent",
    "occupation.large_family",
    "occupation.holder_over_65",
    "occupation.income_below_40",
    "occupation.apl_share",
    "occupation.adults_employed",
    "occupation.newcomers",
    "equipements.transit_500_share",
    "equipements.school_500_share",
    "equipements.food_500_share",
    "equipements.doctor_500_share",
    "equipements.score_500",
    "attributions.pending",
    "attributions.allocations",
    "attributions.pressure",
    "attributions.q1_outside_qpv_share",
    "attributions.q234_inside_qpv_share",
)

ZONE_CHARTS = (
    ChartGroup(
        "Typologie",
        "parc",
        (
            ("parc.t1_share", "T1"),
            ("parc.t2_share", "T2"),
            ("parc.t3_share", "T3"),
            ("parc.t4_share", "T4"),
            ("parc.t5p_share", "T5+"),
        ),
    ),
    ChartGroup(
        "Financement initial",
        "parc",
        (
            ("parc.before_1977_financing_share", "Avant 1977"),
            ("parc.plai_share", "PLAI"),
            ("parc.plus_share", "PLUS"),
            ("parc.pls_share", "PLS"),
            ("parc.pli_share", "PLI"),
        ),
    ),
    ChartGroup(
        "Période de construction",
        "parc",
        (
            ("parc.built_before_1949_share", "Avant 1949"),
            ("parc.built_1949_1974_share", "1949–1974"),
            ("parc.built_1975_1999_share", "1975–1999"),
            ("parc.built_2000_plus_share", "Depuis 2000"),
        ),
    ),
    ChartGroup(
        "Étiquette énergie (DPE)",
        "parc",
        tuple((f"parc.dpe_{letter}_share", letter.upper()) for letter in "abcdefg"),
    ),
    ChartGroup(
        "Composition des ménages",
        "occupation",
        (
            ("occupation.single_person", "Pers. seules"),
            ("occupation.single_parent", "Monoparent."),
            ("occupation.large_family", "3 enfants +"),
            ("occupation.holder_over_65", "65 ans +"),
        ),
    ),
    ChartGroup(
        "Revenus (part du plafond PLUS)",
        "occupation",
        (
            ("occupation.income_below_20", "< 20 %"),
            ("occupation.income_20_40", "20–40 %"),
            ("occupation.income_40_60", "40–60 %"),
            ("occupation.income_60_100", "60–100 %"),
            ("occupation.income_over_100", "> 100 %"),
        ),
    ),
)
