"""The indicator catalogue: what each indicator means, in French, and how to show it.

Ids are `<theme>.<name>` and stable: the warehouse, the app and permalinks use them.
The exact computation of each indicator lives in `data/pipeline/rules.py`, keyed by the
same id; `definition` states that rule in French for the user.

Conventions shared by all indicators:
- the vintage year `N` of RPLS is the stock on 1 January of `N`; OPS households are
  linked to the RPLS dwellings of their survey year (or of the nearest RPLS vintage);
- shares are in percent (0-100) and their denominator excludes unknown values, so a
  share is `nd` (not available) when nobody in the zone has a known value;
- vacancy, mobility, rent per m² and the share of social housing follow the definitions
  of the State's statistical service (SDES, "Le parc locatif social au 1er janvier N"),
  named in their definition; `parc.social_share` divides by the main residences of the
  census (INSEE RP, base logement), estimated as the municipal population divided by 2.2
  persons per household only for a commune the census file does not give;
- an id whose meaning changed was replaced by a new id (`RENAMED_INDICATORS`): a permalink
  naming the old one shows its successor, with a message (`successor_of`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from data import diagnostic
from data.sources.codes import EQUIPMENT_FAMILIES

# The themes of data, in display order: what the map and panel group indicators by, and the
# only names a convention may grant (its "datasets", checked by the admin page and CLI).
THEMES: dict[str, str] = {
    "parc": "Parc",
    "occupation": "Occupation",
    "attributions": "Attributions",
    "diagnostic": "Diagnostic",
    "equipements": "Équipements",
}
# The scales of zones: those the secrecy tree nests (`EPCI_SCALES`), then the
# départements and regions of a territory that spans several (sums of their communes).
EPCI_SCALES = ("epci", "commune", "iris", "qpv")
UPPER_SCALES = ("dep", "reg")
ZONE_SCALES = (*EPCI_SCALES, *UPPER_SCALES)
SCALES = (*ZONE_SCALES, "residence")
# The zone scales drawn on the map (one layer each) and pinned for comparison; then every
# scale the map shows.
MAP_ZONE_SCALES = ("commune", "iris", "qpv")
MAP_SCALES = (*MAP_ZONE_SCALES, "residence")
# The zone scales above the commune the map adds, coarsest first, for a territory holding
# several of their zones (`map_zone_scales`); then every scale a map may show.
MAP_UPPER_SCALES = ("reg", "dep", "epci")
ALL_MAP_SCALES = (*MAP_UPPER_SCALES, *MAP_SCALES)


# The most zones the default view draws: the MEL's 95 communes, not a département's 647.
READABLE_ZONES = 150


def default_map_scale(zone_counts: Mapping[str, int]) -> str:
    """The scale a map opens on: the finest of its zone scales above the IRIS that draws
    at most READABLE_ZONES zones (the communes of an EPCI, the EPCIs of a département,
    the départements of France), else the coarsest."""
    scales = [s for s in map_zone_scales(zone_counts) if s not in ("iris", "qpv")]
    readable = [s for s in scales if zone_counts.get(s, 0) <= READABLE_ZONES]
    return readable[-1] if readable else scales[0]


def map_zone_scales(zone_counts: Mapping[str, int]) -> tuple[str, ...]:
    """The zone scales the map shows for a territory with `zone_counts` zones of each
    scale: one EPCI (the MEL), département or region alone is the whole map, not a scale."""
    upper = tuple(scale for scale in MAP_UPPER_SCALES if zone_counts.get(scale, 0) > 1)
    return (*upper, *MAP_ZONE_SCALES)


@dataclass(frozen=True)
class ScaleNames:
    """The French names of a scale: one of its zones, its zones together, and the full name
    the panel shows beside a zone's own."""

    one: str
    many: str
    full: str


@dataclass(frozen=True)
class SizeClass:
    """A class of residence sizes, published instead of a residence's dwellings."""

    code: str  # in the warehouse (`residences.size_class`) and the map's features
    upper: int | None  # the first size above the class; None for the largest
    label: str
    radius: int  # of the residence's point on the map, in pixels


SIZE_CLASSES: tuple[SizeClass, ...] = (
    SizeClass("<11", 11, "Moins de 11 logements", 4),
    SizeClass("11-49", 50, "De 11 à 49 logements", 6),
    SizeClass("50-199", 200, "De 50 à 199 logements", 8),
    SizeClass("200+", None, "200 logements ou plus", 11),
)

SCALE_NAMES: dict[str, ScaleNames] = {
    "epci": ScaleNames("EPCI", "EPCI", "EPCI"),
    "commune": ScaleNames("Commune", "Communes", "Commune"),
    "iris": ScaleNames("IRIS", "IRIS", "IRIS"),
    "qpv": ScaleNames("QPV", "QPV", "Quartier prioritaire (QPV)"),
    "residence": ScaleNames("Résidence", "Résidences", "Résidence"),
    "dep": ScaleNames("Département", "Départements", "Département"),
    "reg": ScaleNames("Région", "Régions", "Région"),
}
PERSONS_PER_MAIN_RESIDENCE = 2.2
SDES_SOURCE = "Définition SDES, RPLS au 1er janvier N (« Le parc locatif social au 1er janvier N »)"


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    unit: str
    theme: str
    scales: tuple[str, ...]
    source: str
    definition: str
    polarity: int
    decimals: int
    # The names of a categorical indicator's values 0, 1, ... in order (empty: numeric).
    categories: tuple[str, ...] = ()

    @property
    def column(self) -> str:
        """The column name of this indicator in `residences.parquet`."""
        return self.id.replace(".", "__")


def _indicator(
    theme: str,
    source: str,
    name: str,
    label: str,
    unit: str,
    definition: str,
    polarity: int = 0,
    decimals: int = 1,
    scales: tuple[str, ...] = SCALES,
) -> Indicator:
    """An indicator of `theme` read from `source` (the themes' factories below)."""
    return Indicator(
        f"{theme}.{name}", label, unit, theme, scales, source, definition, polarity, decimals
    )


_parc = functools.partial(_indicator, "parc", "RPLS")
_occupation = functools.partial(_indicator, "occupation", "OPS")


SNE_SOURCE = "SNE (système national d'enregistrement), infocentre"
# The legal targets of allocations (loi Égalité et Citoyenneté du 27 janvier 2017, loi 3DS
# du 21 février 2022), article L441-1 du code de la construction et de l'habitation.
FIRST_QUARTILE_TARGET = 25.0
OTHER_QUARTILES_IN_QPV_TARGET = 50.0
PRIORITY_TARGET = 25.0
_QUARTILE_RULE = (
    "Le 1er quartile est le quart des demandeurs aux ressources par unité de consommation "
    "les plus faibles, sous le seuil fixé chaque année par arrêté ministériel pour l'EPCI "
    "(demandes au 31 décembre précédent)."
)


_attributions = functools.partial(
    _indicator, "attributions", SNE_SOURCE, scales=("epci", "commune", "qpv")
)


_HOLDER_LABELS = {
    "etat": "de l'État",
    "action_logement": "d'Action Logement",
    "collectivites": "des collectivités",
    "bailleur": "des bailleurs (logements non réservés)",
}


def _priority_share(holder: str) -> Indicator:
    rule = (
        "Objectif légal : au moins 25 % des attributions annuelles de chaque réservataire "
        "(collectivités territoriales et leurs groupements, Action Logement Services, "
        "bailleurs pour leurs logements non réservés) aux ménages reconnus prioritaires "
        "et urgents au titre du droit au logement opposable (DALO) ou, à défaut, aux "
        "publics prioritaires de l'article L441-1 CCH (loi Égalité et Citoyenneté, 2017)."
    )
    if holder == "etat":
        rule = (
            "Le contingent de l'État (contingent préfectoral) est destiné aux ménages "
            "prioritaires (DALO et publics prioritaires, article L441-1 CCH) : l'objectif "
            "de 25 % ne s'applique pas à lui, sa part est donnée pour comparaison."
        )
    return _attributions(
        f"priority_share_{holder}",
        f"Part des attributions {_HOLDER_LABELS[holder]} aux publics prioritaires",
        "%",
        f"Attributions de l'année sur le contingent {_HOLDER_LABELS[holder]} à des ménages "
        "DALO ou prioritaires (PUBLIC_PRIORITAIRE = 1), rapportées aux attributions de ce "
        f"contingent. {rule}",
        polarity=+1,
        scales=("epci",),
    )


_DPE_SHARES = tuple(
    _parc(
        f"dpe_{letter.lower()}_share",
        f"Part des logements en classe {letter} (DPE)",
        "%",
        f"Logements dont la classe énergie du DPE (DPEENERGIE) est {letter}, rapportés aux "
        "logements ayant un DPE renseigné.",
        polarity=+1 if letter in "ABC" else (-1 if letter in "EFG" else 0),
    )
    for letter in "ABCDEFG"
)

_INDICATORS: tuple[Indicator, ...] = (
    # --- Parc (RPLS) ---
    _parc(
        "dwellings",
        "Logements sociaux",
        "logements",
        "Nombre de logements du répertoire RPLS au 1er janvier du millésime.",
        decimals=0,
    ),
    _parc(
        "social_share",
        "Part de logements sociaux parmi les résidences principales",
        "%",
        "Logements sociaux RPLS au 1er janvier N rapportés aux résidences principales du "
        "recensement (INSEE, RP, base logement communale, P_RP du dernier millésime au plus "
        "tard N), pour 100 ; pour une commune absente du fichier du recensement, résidences "
        "principales estimées par la population municipale divisée par 2,2 personnes par "
        "ménage (l'entrepôt liste ces communes). Calculé pour les communes, les EPCI, "
        f"départements et régions seulement. {SDES_SOURCE} (densité pour 100 résidences "
        "principales). Ce n'est pas "
        "le taux SRU : l'inventaire SRU compte aussi d'autres logements (foyers, places "
        "d'hébergement, logements conventionnés privés) et rapporte aux résidences "
        "principales de la taxe d'habitation.",
        scales=("epci", "commune", *UPPER_SCALES),
    ),
    _parc(
        "qpv_share",
        "Part des logements situés en QPV",
        "%",
        "Logements des résidences situées dans un quartier prioritaire de la politique de "
        "la ville (position de la résidence dans les contours QPV), rapportés à tous les "
        "logements.",
        scales=(*EPCI_SCALES, *UPPER_SCALES),
    ),
    _parc(
        "t1_share",
        "Part de T1",
        "%",
        "Logements d'une pièce (NBPIECE = 1), rapportés aux logements au nombre de pièces "
        "renseigné.",
    ),
    _parc(
        "t2_share",
        "Part de T2",
        "%",
        "Logements de deux pièces (NBPIECE = 2), rapportés aux logements au nombre de "
        "pièces renseigné.",
    ),
    _parc(
        "t3_share",
        "Part de T3",
        "%",
        "Logements de trois pièces (NBPIECE = 3), rapportés aux logements au nombre de "
        "pièces renseigné.",
    ),
    _parc(
        "t4_share",
        "Part de T4",
        "%",
        "Logements de quatre pièces (NBPIECE = 4), rapportés aux logements au nombre de "
        "pièces renseigné.",
    ),
    _parc(
        "t5p_share",
        "Part de T5 et plus",
        "%",
        "Logements de cinq pièces ou plus (NBPIECE ≥ 5), rapportés aux logements au "
        "nombre de pièces renseigné.",
    ),
    _parc(
        "mean_age",
        "Âge moyen du parc",
        "ans",
        "Moyenne, sur les logements à l'année de construction renseignée, de l'écart entre "
        "l'année du millésime et l'année de construction (CONSTRUCT).",
    ),
    _parc(
        "built_before_1949_share",
        "Part construite avant 1949",
        "%",
        "Logements construits avant 1949 (CONSTRUCT < 1949), rapportés aux logements à "
        "l'année de construction renseignée.",
    ),
    _parc(
        "built_1949_1974_share",
        "Part construite de 1949 à 1974",
        "%",
        "Logements construits de 1949 à 1974 inclus, rapportés aux logements à l'année de "
        "construction renseignée.",
    ),
    _parc(
        "built_1975_1999_share",
        "Part construite de 1975 à 1999",
        "%",
        "Logements construits de 1975 à 1999 inclus, rapportés aux logements à l'année de "
        "construction renseignée.",
    ),
    _parc(
        "built_2000_plus_share",
        "Part construite depuis 2000",
        "%",
        "Logements construits en 2000 ou après, rapportés aux logements à l'année de "
        "construction renseignée.",
    ),
    _parc(
        "plai_share",
        "Part financée en PLAI",
        "%",
        "Logements dont le financement initial (FINAN) est un PLA-I, rapportés aux "
        "logements au financement connu (FINAN ≠ 99).",
    ),
    _parc(
        "plus_share",
        "Part financée en PLUS",
        "%",
        "Logements financés en PLUS ou PLA ordinaire (FINAN), rapportés aux logements au "
        "financement connu (FINAN ≠ 99).",
    ),
    _parc(
        "pls_share",
        "Part financée en PLS",
        "%",
        "Logements financés en PLS (FINAN), rapportés aux logements au financement connu "
        "(FINAN ≠ 99).",
    ),
    _parc(
        "pli_share",
        "Part financée en PLI",
        "%",
        "Logements financés en PLI (FINAN), rapportés aux logements au financement connu "
        "(FINAN ≠ 99).",
    ),
    _parc(
        "before_1977_financing_share",
        "Part financée avant 1977 (HLM/O, PLR…)",
        "%",
        "Logements aux financements antérieurs à 1977 (HBM, PLR/PSR, HLM/O, ILM, ILN), "
        "rapportés aux logements au financement connu (FINAN ≠ 99).",
    ),
    _parc(
        "rent_per_habitable_m2",
        "Loyer moyen au m² de surface habitable",
        "€/m²",
        "Somme des loyers principaux mensuels (LOYERPRINC, hors 9999) des logements loués "
        "au 1er janvier (MODE = 1), divisée par la somme de leurs surfaces habitables "
        f"(SURFHAB) : un rapport de sommes. {SDES_SOURCE}.",
        polarity=-1,
        decimals=2,
    ),
    _parc(
        "vacancy_rate_offered",
        "Taux de vacance",
        "%",
        "Logements vacants au 1er janvier (MODE = 2), rapportés aux logements proposés à la "
        "location, loués ou vacants (MODE = 1 ou 2) ; les logements vides pour travaux, "
        "démolition ou vente, gérés par une association ou occupés à un autre titre sont "
        f"hors du calcul. {SDES_SOURCE}.",
        polarity=-1,
    ),
    _parc(
        "vacant_dwellings",
        "Logements vacants",
        "logements",
        "Logements vacants au 1er janvier (MODE = 2) de la résidence, le numérateur de son "
        "taux de vacance ; donné à l'échelle de la résidence seulement, pour préparer les "
        f"commissions d'attribution. {SDES_SOURCE}.",
        decimals=0,
        scales=("residence",),
    ),
    _parc(
        "vacancy_over_3_months_rate",
        "Taux de vacance de plus de trois mois",
        "%",
        "Logements vacants au 1er janvier (MODE = 2) depuis plus de trois mois, la vacance "
        "commençant au mois de remise en location (REMLOCDATE, MM/AAAA), rapportés aux "
        "logements proposés à la location (MODE = 1 ou 2) ; un logement vacant sans "
        "REMLOCDATE compte comme vacant depuis trois mois ou moins, un fichier sans cette "
        f"colonne ne donne pas de taux. {SDES_SOURCE} (vacance structurelle).",
        polarity=-1,
    ),
    _parc(
        "move_in_rate",
        "Taux de mobilité",
        "%",
        "Emménagements de l'année N−1 (bail en cours pris d'effet en N−1 ou après, BAIL) "
        "dans les logements proposés à la location depuis au moins un an (MODE = 1 ou 2, "
        "première mise en location LOCAT avant N−1), rapportés à ces mêmes logements, "
        "vacants compris ; les mises en service récentes sont hors du calcul. "
        f"{SDES_SOURCE}.",
    ),
    _parc(
        "dpe_efg_share",
        "Part de DPE E, F ou G",
        "%",
        "Logements dont la classe énergie du DPE (DPEENERGIE) est E, F ou G, rapportés "
        "aux logements ayant un DPE renseigné.",
        polarity=-1,
    ),
    *_DPE_SHARES,
    # --- Occupation (OPS) ---
    _occupation(
        "households",
        "Ménages enquêtés",
        "ménages",
        "Nombre de ménages de l'enquête OPS rattachés à un logement RPLS.",
        decimals=0,
    ),
    _occupation(
        "single_person",
        "Part de personnes seules",
        "%",
        "Ménages composés d'une personne seule (COMPO = 1), rapportés aux ménages à "
        "la composition renseignée.",
    ),
    _occupation(
        "single_parent",
        "Part de familles monoparentales",
        "%",
        "Familles monoparentales (COMPO = 4), rapportées aux ménages à la composition renseignée.",
    ),
    _occupation(
        "large_family",
        "Part de familles nombreuses",
        "%",
        "Ménages avec trois enfants ou plus (NB_ENFANTS ≥ 3), rapportés aux ménages "
        "au nombre d'enfants renseigné.",
    ),
    _occupation(
        "holder_over_65",
        "Part de titulaires de 65 ans ou plus",
        "%",
        "Ménages dont le titulaire du bail a 65 ans ou plus (AGE_TITULAIRE ≥ 65), "
        "rapportés aux ménages à l'âge renseigné.",
    ),
    _occupation(
        "income_below_20",
        "Revenus < 20 % du plafond PLUS",
        "%",
        "Ménages aux revenus inférieurs à 20 % du plafond PLUS (TRANCHE_REVENU = 1), "
        "rapportés aux ménages à la tranche de revenus renseignée.",
        polarity=-1,
    ),
    _occupation(
        "income_below_40",
        "Revenus < 40 % du plafond PLUS",
        "%",
        "Ménages aux revenus inférieurs à 40 % du plafond PLUS (TRANCHE_REVENU 1 ou "
        "2), rapportés aux ménages à la tranche de revenus renseignée.",
        polarity=-1,
    ),
    _occupation(
        "income_below_60",
        "Revenus < 60 % du plafond PLUS",
        "%",
        "Ménages aux revenus inférieurs à 60 % du plafond PLUS (TRANCHE_REVENU 1, 2 "
        "ou 3), rapportés aux ménages à la tranche de revenus renseignée.",
        polarity=-1,
    ),
    _occupation(
        "income_20_40",
        "Revenus de 20 à 40 % du plafond PLUS",
        "%",
        "Ménages aux revenus de 20 à 40 % du plafond PLUS (TRANCHE_REVENU = 2), "
        "rapportés aux ménages à la tranche de revenus renseignée.",
    ),
    _occupation(
        "income_40_60",
        "Revenus de 40 à 60 % du plafond PLUS",
        "%",
        "Ménages aux revenus de 40 à 60 % du plafond PLUS (TRANCHE_REVENU = 3), "
        "rapportés aux ménages à la tranche de revenus renseignée.",
    ),
    _occupation(
        "income_60_100",
        "Revenus de 60 à 100 % du plafond PLUS",
        "%",
        "Ménages aux revenus de 60 à 100 % du plafond PLUS (TRANCHE_REVENU = 4), "
        "rapportés aux ménages à la tranche de revenus renseignée.",
    ),
    _occupation(
        "income_over_100",
        "Revenus au-dessus du plafond PLUS",
        "%",
        "Ménages aux revenus supérieurs au plafond PLUS (TRANCHE_REVENU = 5), "
        "rapportés aux ménages à la tranche de revenus renseignée.",
    ),
    _occupation(
        "apl_share",
        "Part de bénéficiaires d'une aide au logement",
        "%",
        "Ménages percevant l'APL ou une autre aide au logement (APL = 1), rapportés "
        "aux ménages où l'information est renseignée.",
    ),
    _occupation(
        "adults_employed",
        "Part des adultes en emploi",
        "%",
        "Adultes en emploi (somme de NB_ADULTES_EMPLOI) rapportés à l'ensemble des "
        "adultes des ménages (somme de NB_ADULTES).",
        polarity=+1,
    ),
    _occupation(
        "holder_under_30",
        "Part de titulaires de moins de 30 ans",
        "%",
        "Ménages dont le titulaire du bail a moins de 30 ans (AGE_TITULAIRE < 30), "
        "rapportés aux ménages à l'âge renseigné.",
    ),
    _occupation(
        "no_adult_employed",
        "Part de ménages sans adulte en emploi",
        "%",
        "Ménages comptant au moins un adulte dont aucun n'est en emploi (NB_ADULTES ≥ 1 et "
        "NB_ADULTES_EMPLOI = 0), rapportés aux ménages où les deux sont renseignés.",
        polarity=-1,
    ),
    _occupation(
        "newcomers",
        "Part d'emménagés récents",
        "%",
        "Ménages installés depuis moins de trois ans (ANNEE_ENTREE ≥ année de "
        "l'enquête − 2), rapportés aux ménages à l'année d'entrée renseignée.",
    ),
    # --- Attributions (SNE) ---
    _attributions(
        "pending",
        "Demandes en attente au 31/12",
        "demandes",
        "Demandes de logement social actives au 31 décembre de l'année (INDICATEUR = "
        "demandes), mutations comprises, par commune demandée en premier choix. "
        "Non localisées en QPV.",
        decimals=0,
        scales=("epci", "commune"),
    ),
    _attributions(
        "allocations",
        "Attributions de l'année",
        "attributions",
        "Attributions de logements sociaux suivies d'un bail signé dans l'année (INDICATEUR "
        "= attributions), par commune du logement attribué et, avec CODE_QPV, par QPV.",
        decimals=0,
    ),
    _attributions(
        "pressure",
        "Pression de la demande",
        "demandes par attribution",
        "Demandes en attente au 31 décembre rapportées aux attributions de l'année : "
        "nombre de demandes pour une attribution (définition usuelle des observatoires de "
        "la demande, SNE).",
        polarity=-1,
        scales=("epci", "commune"),
    ),
    _attributions(
        "waiting_months",
        "Délai médian d'attribution",
        "mois",
        "Ancienneté médiane de la demande des ménages ayant reçu une attribution dans "
        "l'année (DELAI_MEDIAN_MOIS) : médiane des médianes des cellules de l'extrait, "
        "pondérées par leurs attributions (l'extrait étant agrégé, c'est une approximation "
        "de la médiane des ménages).",
        polarity=-1,
    ),
    _attributions(
        "pending_q1_share",
        "Part des demandes du 1er quartile",
        "%",
        "Demandes en attente au 31 décembre de ménages du 1er quartile de ressources "
        "(QUARTILE = Q1), rapportées aux demandes au quartile renseigné. "
        f"{_QUARTILE_RULE}",
        scales=("epci", "commune"),
    ),
    _attributions(
        "q1_outside_qpv_share",
        "Attributions hors QPV au 1er quartile",
        "%",
        "Attributions de l'année de logements situés hors des quartiers prioritaires de la "
        "politique de la ville (QPV = 0) à des demandeurs du 1er quartile, rapportées aux "
        "attributions hors QPV au quartile renseigné. Objectif légal : au moins 25 % "
        "(article L441-1 CCH, loi Égalité et Citoyenneté du 27 janvier 2017, confirmé par "
        f"la loi 3DS du 21 février 2022). {_QUARTILE_RULE}",
        polarity=+1,
        scales=("epci", "commune"),
    ),
    _attributions(
        "q234_inside_qpv_share",
        "Attributions en QPV aux quartiles 2 à 4",
        "%",
        "Attributions de l'année de logements situés en QPV (QPV = 1) à des demandeurs des "
        "2e, 3e et 4e quartiles, rapportées aux attributions en QPV au quartile renseigné. "
        "Objectif légal : au moins 50 %, sauf objectif différent fixé par la convention "
        "intercommunale d'attribution (article L441-1 CCH, loi Égalité et Citoyenneté "
        f"du 27 janvier 2017). {_QUARTILE_RULE}",
        polarity=+1,
    ),
    *(
        _priority_share(holder)
        for holder in ("etat", "action_logement", "collectivites", "bailleur")
    ),
)

_EQUIPMENT_SOURCE = "BPE (INSEE), arrêts GTFS du réseau ; RPLS"
# The secrecy rule of the theme's zone values, said in each of their definitions.
_PUBLISHED_RESIDENCES = (
    "Pondéré par les logements des résidences publiées au dernier millésime RPLS ; les "
    "résidences soumises au secret statistique n'y sont pas comptées. Distances à vol "
    "d'oiseau, en Lambert-93."
)


def _near_share(name: str, what: str, families: str) -> Indicator:
    return Indicator(
        f"equipements.{name}_500_share",
        f"Part des logements à moins de 500 m {what}",
        "%",
        "equipements",
        EPCI_SCALES,
        _EQUIPMENT_SOURCE,
        f"Logements sociaux dont la résidence a au moins {families} à moins de 500 m, "
        f"rapportés à tous les logements. {_PUBLISHED_RESIDENCES}",
        +1,
        1,
    )


DISTANCE_LABEL_PREFIX = "Distance à vol d'oiseau — "


def _distance(family: str, label: str) -> Indicator:
    return Indicator(
        f"equipements.distance_{family}",
        f"{DISTANCE_LABEL_PREFIX}{label}",
        "m",
        "equipements",
        ("residence",),
        _EQUIPMENT_SOURCE,
        f"Distance en ligne droite (Lambert-93) de la résidence à l'équipement « {label} » "
        "le plus proche, au mètre près ; non publiée pour une résidence soumise au secret.",
        -1,
        0,
    )


_EQUIPMENT_INDICATORS: tuple[Indicator, ...] = (
    _near_share("transit", "d'un arrêt de transport en commun", "un arrêt (GTFS)"),
    _near_share("school", "d'une école", "une école maternelle, élémentaire ou primaire (BPE)"),
    _near_share(
        "food",
        "d'un commerce alimentaire",
        "un supermarché, une supérette, une épicerie ou une boulangerie (BPE)",
    ),
    _near_share("doctor", "d'un médecin généraliste", "un médecin généraliste (BPE)"),
    Indicator(
        "equipements.score_500",
        "Score de proximité (familles d'équipements à moins de 500 m)",
        "/10",
        "equipements",
        (*EPCI_SCALES, "residence"),
        _EQUIPMENT_SOURCE,
        "Nombre de familles d'équipements (école maternelle, école élémentaire, collège, "
        "crèche, médecin généraliste, pharmacie, alimentation, poste ou France Services, "
        "arrêt de transport en commun, gare) dont au moins un équipement est à moins de "
        "500 m de la résidence, de 0 à 10 ; pour une zone, moyenne sur ses logements. "
        f"{_PUBLISHED_RESIDENCES}",
        +1,
        1,
    ),
    *(_distance(family, label) for family, label in EQUIPMENT_FAMILIES.items()),
)


# The scales classified: the EPCI is their reference (its flags would all be down).
DIAGNOSED_SCALES = ("commune", "iris", "qpv", "residence")
_DIAGNOSTIC_SOURCE = "OPS, RPLS, Filosofi (INSEE) ; méthode : voir « Méthode »"


def _diagnostic_indicators() -> tuple[Indicator, ...]:
    """The class, the number of flags and each criterion's flag (`data.diagnostic`), then
    the Filosofi context of the IRIS."""
    method = diagnostic.METHOD
    labels = {indicator.id: indicator.label for indicator in _INDICATORS}
    filosofi = (
        Indicator(
            diagnostic.POVERTY_ID,
            "Taux de pauvreté (Filosofi)",
            "%",
            "diagnostic",
            ("epci", "iris"),
            "Filosofi (INSEE), revenus disponibles par IRIS",
            "Personnes dont le niveau de vie est inférieur à 60 % du niveau de vie médian "
            "national, rapportées aux personnes de l'IRIS (DISP_TP60). Pour l'EPCI : "
            "médiane des IRIS.",
            -1,
            1,
        ),
        Indicator(
            diagnostic.MEDIAN_INCOME_ID,
            "Revenu disponible médian (Filosofi)",
            "€",
            "diagnostic",
            ("epci", "iris"),
            "Filosofi (INSEE), revenus disponibles par IRIS",
            "Médiane du revenu disponible par unité de consommation (DISP_MED), en euros par "
            "an. Pour l'EPCI : médiane des IRIS.",
            +1,
            0,
        ),
    )
    labels.update((indicator.id, indicator.label) for indicator in filosofi)
    ratio = f"{method.ratio:g}".replace(".", ",")
    flags = tuple(
        Indicator(
            criterion.flag_id,
            f"Critère signalé : {criterion.label}",
            "",
            "diagnostic",
            ("iris",) if criterion.indicator_id in diagnostic.FILOSOFI_IDS else DIAGNOSED_SCALES,
            _DIAGNOSTIC_SOURCE,
            f"« {labels[criterion.indicator_id]} » "
            + (
                f"au moins {ratio} fois la valeur de l'EPCI."
                if criterion.polarity > 0
                else f"au plus 1/{ratio} de la valeur de l'EPCI."
            ),
            -1,
            0,
            diagnostic.FLAG_LABELS,
        )
        for criterion in method.criteria
    )
    return (
        Indicator(
            diagnostic.CLASS_ID,
            "Classe de fragilité",
            "",
            "diagnostic",
            DIAGNOSED_SCALES,
            _DIAGNOSTIC_SOURCE,
            " ".join(diagnostic.method_text(method)[1:3]),
            -1,
            0,
            diagnostic.CLASS_LABELS,
        ),
        Indicator(
            diagnostic.FLAGS_ID,
            "Nombre de critères signalés",
            "critères",
            "diagnostic",
            DIAGNOSED_SCALES,
            _DIAGNOSTIC_SOURCE,
            "Nombre de critères de fragilité signalés (valeur au moins "
            f"{ratio} fois celle de l'EPCI, ou au plus 1/{ratio} pour le revenu "
            "médian) ; secret quand un critère est caché.",
            -1,
            0,
        ),
        *flags,
        *filosofi,
    )


_INDICATORS = (*_INDICATORS, *_diagnostic_indicators(), *_EQUIPMENT_INDICATORS)
# The legal targets the board draws, by indicator (percent; "at least").
TARGETS: dict[str, float] = {
    "attributions.q1_outside_qpv_share": FIRST_QUARTILE_TARGET,
    "attributions.q234_inside_qpv_share": OTHER_QUARTILES_IN_QPV_TARGET,
    **{
        f"attributions.priority_share_{holder}": PRIORITY_TARGET
        for holder in ("action_logement", "collectivites", "bailleur")
    },
}

CATALOG: dict[str, Indicator] = {indicator.id: indicator for indicator in _INDICATORS}

# Ids whose meaning changed (issue 16: the SDES definitions), old id -> its successor.
RENAMED_INDICATORS: dict[str, str] = {
    "parc.vacancy_rate": "parc.vacancy_rate_offered",
    "parc.mobility_rate": "parc.move_in_rate",
    "parc.rent_m2": "parc.rent_per_habitable_m2",
}


def successor_of(indicator_id: str) -> tuple[str, str | None]:
    """The id to show for `indicator_id` (from a permalink) and, when it is an old id,
    the French message that says what replaced it."""
    successor = RENAMED_INDICATORS.get(indicator_id)
    if successor is None:
        return indicator_id, None
    return successor, (
        "Ce lien désigne un indicateur dont la définition a changé pour suivre celle du "
        f"SDES : « {CATALOG[successor].label} » est affiché à sa place."
    )


def indicators_for(scale: str, theme: str | None = None) -> list[Indicator]:
    """The indicators computed at `scale` (optionally of one theme), in display order."""
    return [
        indicator
        for indicator in CATALOG.values()
        if scale in indicator.scales and (theme is None or indicator.theme == theme)
    ]
