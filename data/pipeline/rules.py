"""How each indicator of the catalogue is computed: one rule per indicator id.

A rule is a pair of SQL expressions evaluated on every row (a dwelling of the RPLS
`dwelling` relation, or a household of the OPS `household` relation) and summed over the
rows of a residence, then over the residences of a zone:

    value = 100 * sum(numerator) / sum(denominator)   (a share, `nd` when the sum is 0)
    value = sum(numerator) / sum(denominator)         (a mean, factor 1)
    value = sum(numerator)                            (a count: no denominator)

Because every value is a ratio of sums, zone values are exact sums of residence sums.
Two rules are zone-level and not of this form (see `indicators.py`): `parc.qpv_share`
(dwellings of the residences located in a QPV / dwellings) and `parc.social_share`
(dwellings / main residences of the census).

Vacancy, mobility and rent follow the SDES definitions ("Le parc locatif social au 1er
janvier N"): the base of the rates is the stock offered for rent (MODE 1 let or 2 vacant),
mobility counts the moves of the year N-1 into dwellings offered for rent for at least a
year (first let, LOCAT, before N-1), the rent per m² is the sum of rents over the sum of
habitable surfaces (SURFHAB) of the let dwellings.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.catalog import CATALOG
from data.sources.codes import MODE_LET, MODE_VACANT, RPLS_FINAN

QPV_SHARE = "parc.qpv_share"
SOCIAL_SHARE = "parc.social_share"
ZONE_LEVEL_RULES = (QPV_SHARE, SOCIAL_SHARE)


@dataclass(frozen=True)
class Rule:
    numerator: str
    denominator: str | None = None
    factor: float = 100.0


def _flag(condition: str) -> str:
    """1 where `condition` holds, 0 where it does not, NULL where it is unknown."""
    return f"CAST(({condition}) AS INTEGER)"


def _known(column: str) -> str:
    return f"CAST({column} IS NOT NULL AS INTEGER)"


def _share(condition: str, known: str) -> Rule:
    return Rule(_flag(condition), _known(known))


def _finan_codes(family: str) -> str:
    codes = sorted(code for code, (_, fam) in RPLS_FINAN.items() if fam == family)
    return ", ".join(f"'{code}'" for code in codes)


UNKNOWN_FINAN = "99"
_KNOWN_FINAN = ", ".join(f"'{code}'" for code in sorted(RPLS_FINAN) if code != UNKNOWN_FINAN)
_LET_WITH_RENT = f"mode = '{MODE_LET}' AND loyerprinc IS NOT NULL AND surfhab > 0"
_OFFERED = f"mode IN ('{MODE_LET}', '{MODE_VACANT}')"
# Offered for rent for at least a year on 1 January: first let before the year N-1.
_OFFERED_FOR_A_YEAR = f"{_OFFERED} AND locat < year - 1"
STRUCTURAL_VACANCY_MONTHS = 3
# Months between the start of the vacancy (REMLOCDATE, a month) and 1 January of the vintage.
_VACANCY_MONTHS = "date_diff('month', remlocdate, make_date(year, 1, 1))"
_KNOWN_INCOME = "tranche_revenu IN ('1', '2', '3', '4', '5')"


def _finan_share(family: str) -> Rule:
    return Rule(
        f"CAST(finan IN ({_finan_codes(family)}) AS INTEGER)",
        f"CAST(finan IN ({_KNOWN_FINAN}) AS INTEGER)",
    )


def _income_share(bands: str) -> Rule:
    return Rule(
        f"CASE WHEN {_KNOWN_INCOME} THEN CAST(tranche_revenu IN ({bands}) AS INTEGER) END",
        f"CAST({_KNOWN_INCOME} AS INTEGER)",
    )


def _dpe_share(classes: str) -> Rule:
    return Rule(f"CAST(dpeenergie IN ({classes}) AS INTEGER)", _known("dpeenergie"))


PARC_RULES: dict[str, Rule] = {
    "parc.dwellings": Rule("1", None, 1.0),
    "parc.t1_share": _share("nbpiece = 1", "nbpiece"),
    "parc.t2_share": _share("nbpiece = 2", "nbpiece"),
    "parc.t3_share": _share("nbpiece = 3", "nbpiece"),
    "parc.t4_share": _share("nbpiece = 4", "nbpiece"),
    "parc.t5p_share": _share("nbpiece >= 5", "nbpiece"),
    "parc.mean_age": Rule("year - construct", _known("construct"), 1.0),
    "parc.built_before_1949_share": _share("construct < 1949", "construct"),
    "parc.built_1949_1974_share": _share("construct BETWEEN 1949 AND 1974", "construct"),
    "parc.built_1975_1999_share": _share("construct BETWEEN 1975 AND 1999", "construct"),
    "parc.built_2000_plus_share": _share("construct >= 2000", "construct"),
    "parc.plai_share": _finan_share("plai"),
    "parc.plus_share": _finan_share("plus"),
    "parc.pls_share": _finan_share("pls"),
    "parc.pli_share": _finan_share("pli"),
    "parc.before_1977_financing_share": _finan_share("avant_1977"),
    "parc.rent_per_habitable_m2": Rule(
        f"CASE WHEN {_LET_WITH_RENT} THEN loyerprinc END",
        f"CASE WHEN {_LET_WITH_RENT} THEN surfhab END",
        1.0,
    ),
    "parc.vacant_dwellings": Rule(_flag(f"mode = '{MODE_VACANT}'"), None, 1.0),
    "parc.vacancy_rate_offered": Rule(_flag(f"mode = '{MODE_VACANT}'"), _flag(_OFFERED)),
    # A vacant dwelling whose REMLOCDATE is empty counts as vacant for three months or less
    # (as in the SDES computation); a file without the column gives no rate at all.
    "parc.vacancy_over_3_months_rate": Rule(
        f"CAST(coalesce(mode = '{MODE_VACANT}' "
        f"AND {_VACANCY_MONTHS} > {STRUCTURAL_VACANCY_MONTHS}, false) AS INTEGER)",
        f"CAST(remlocdate_reported AND {_OFFERED} AS INTEGER)",
    ),
    # A let dwelling whose BAIL is empty counts as no move in the year.
    "parc.move_in_rate": Rule(
        f"CASE WHEN {_OFFERED_FOR_A_YEAR} "
        "THEN CAST(coalesce(bail >= year - 1, false) AS INTEGER) END",
        _flag(_OFFERED_FOR_A_YEAR),
    ),
    "parc.dpe_efg_share": _dpe_share("'E', 'F', 'G'"),
    **{f"parc.dpe_{c.lower()}_share": _dpe_share(f"'{c}'") for c in "ABCDEFG"},
}

OCCUPATION_RULES: dict[str, Rule] = {
    "occupation.households": Rule("1", None, 1.0),
    "occupation.single_person": Rule(_flag("compo = '1'"), _known("compo")),
    "occupation.single_parent": Rule(_flag("compo = '4'"), _known("compo")),
    "occupation.large_family": _share("nb_enfants >= 3", "nb_enfants"),
    "occupation.holder_over_65": _share("age_titulaire >= 65", "age_titulaire"),
    "occupation.income_below_20": _income_share("'1'"),
    "occupation.income_below_40": _income_share("'1', '2'"),
    "occupation.income_below_60": _income_share("'1', '2', '3'"),
    "occupation.income_20_40": _income_share("'2'"),
    "occupation.income_40_60": _income_share("'3'"),
    "occupation.income_60_100": _income_share("'4'"),
    "occupation.income_over_100": _income_share("'5'"),
    "occupation.apl_share": Rule(_flag("apl"), _known("apl")),
    "occupation.adults_employed": Rule(
        "CASE WHEN nb_adultes IS NOT NULL THEN nb_adultes_emploi END",
        "CASE WHEN nb_adultes_emploi IS NOT NULL THEN nb_adultes END",
    ),
    "occupation.holder_under_30": _share("age_titulaire < 30", "age_titulaire"),
    "occupation.no_adult_employed": Rule(
        "CASE WHEN nb_adultes >= 1 AND nb_adultes_emploi IS NOT NULL "
        "THEN CAST(nb_adultes_emploi = 0 AS INTEGER) END",
        "CAST(nb_adultes >= 1 AND nb_adultes_emploi IS NOT NULL AS INTEGER)",
    ),
    "occupation.newcomers": _share("annee_entree >= year - 2", "annee_entree"),
}

RULES: dict[str, Rule] = {**PARC_RULES, **OCCUPATION_RULES}


def row_rules(theme: str) -> dict[str, Rule]:
    """The row-level rules of one theme, in catalogue order."""
    rules = PARC_RULES if theme == "parc" else OCCUPATION_RULES
    return {
        indicator_id: rules[indicator_id]
        for indicator_id, indicator in CATALOG.items()
        if indicator.theme == theme and indicator_id in rules
    }
